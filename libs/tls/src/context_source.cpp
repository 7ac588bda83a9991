#include "hookbot/tls/context_source.hpp"

#include <utility>

namespace hookbot::tls {

context_source::context_source(server_files files)
    : files_(std::move(files)),
      current_(std::make_shared<boost::asio::ssl::context>(make_server_context(files_))) {}

void context_source::reload() {
    current_ = std::make_shared<boost::asio::ssl::context>(make_server_context(files_));
}

}  // namespace hookbot::tls
