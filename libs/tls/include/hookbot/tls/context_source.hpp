#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "hookbot/tls/server_context.hpp"

namespace hookbot::tls {

// The SSL context new TLS connections are made with, replaceable at run
// time (SIGHUP). Each connection keeps a reference to the context it was made
// with, so a reload changes only handshakes that start after it.
class context_source {
  public:
    // Loads the files now. Throws config_error.
    explicit context_source(server_files files);

    [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> current() const { return current_; }
    [[nodiscard]] const server_files& files() const noexcept { return files_; }

    // Loads the files again. On failure throws config_error and keeps serving
    // with the context it had.
    void reload();

  private:
    server_files files_;
    std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace hookbot::tls
