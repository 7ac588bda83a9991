#pragma once

#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <string>
#include <vector>

// Flow control from subscribers back to publishers, as `hookbot serve` takes
// it and passes it on: the workers' --slow-after, the acceptor's
// --max-publish-wait and --publish-window (each checks them again and
// documents the same defaults).
namespace hookbot::serve {

class flow_options {
  public:
    // The options, bound to this object, for serve's description.
    boost::program_options::options_description describe();
    // Throws std::invalid_argument naming the option that is out of range.
    void check() const;
    // Appends "--name value" for each to the children's command lines.
    void add_to(std::vector<std::string>& acceptor_args,
                std::vector<std::string>& fanout_args) const;

  private:
    double slow_after_s_ = 0.5;
    double max_publish_wait_s_ = 1;
    std::uint64_t publish_window_ = 64;
};

}  // namespace hookbot::serve
