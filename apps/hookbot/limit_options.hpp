#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// The limits against hostile or broken clients that `hookbot serve` takes
// and passes on to the acceptor and the fanout workers (each of which checks
// them again and documents the same defaults).
namespace hookbot::serve {

class limit_options {
  public:
    // The options, bound to this object, for serve's description.
    boost::program_options::options_description describe();
    // Throws std::invalid_argument naming the option that is out of range.
    void check() const;
    // Appends "--name value" for each to the children's command lines.
    void add_to(std::vector<std::string>& acceptor_args,
                std::vector<std::string>& fanout_args) const;

  private:
    std::uint32_t max_header_bytes_ = 32 * 1024;
    std::size_t max_header_fields_ = 100;
    std::size_t max_url_bytes_ = 16 * 1024;
    double header_timeout_s_ = 30;
    double body_timeout_s_ = 60;
    double idle_timeout_s_ = 120;
    std::size_t max_connections_ = 10000;
    std::uint32_t max_subscribers_ = 100000;
    std::size_t max_client_message_ = 64 * 1024;
};

}  // namespace hookbot::serve
