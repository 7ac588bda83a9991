#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hookbot/limits/client_limits.hpp"

// The limits against hostile or broken clients that `hookbot serve` takes
// and passes on to the acceptor and the fanout workers. Names, defaults,
// ranges and help are hookbot/limits' (the children take the same options).
namespace hookbot::serve {

class limit_options {
  public:
    // The options, bound to this object, for serve's description. Values out
    // of range fail the parse.
    boost::program_options::options_description describe();
    // Appends "--name value" for each to the children's command lines.
    void add_to(std::vector<std::string>& acceptor_args,
                std::vector<std::string>& fanout_args) const;
    // What no single range can say; throws std::invalid_argument.
    void check() const;

  private:
    std::uint32_t max_header_bytes_{};
    std::size_t max_header_fields_{};
    std::size_t max_url_bytes_{};
    std::chrono::milliseconds header_timeout_{};
    std::chrono::milliseconds body_timeout_{};
    std::chrono::milliseconds idle_timeout_{};
    std::size_t max_connections_{};
    std::uint32_t max_subscribers_{};
    std::size_t max_client_message_{};
    std::chrono::milliseconds write_timeout_{};
    std::chrono::milliseconds ping_interval_{};
    std::chrono::milliseconds ping_timeout_{};
};

}  // namespace hookbot::serve
