#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// Flow control from subscribers back to publishers, as `hookbot serve` takes
// it and passes it on: the workers' queue bounds, --slow-after and --overflow, the
// acceptor's --max-publish-wait and --publish-window. Names, defaults, ranges
// and help are hookbot/limits'.
namespace hookbot::serve {

class flow_options {
  public:
    // The options, bound to this object, for serve's description. Values out
    // of range fail the parse.
    boost::program_options::options_description describe();
    // Appends "--name value" for each to the children's command lines.
    void add_to(std::vector<std::string>& acceptor_args,
                std::vector<std::string>& fanout_args) const;

  private:
    std::size_t queue_messages_{};
    std::size_t queue_bytes_{};
    std::chrono::milliseconds slow_after_{};
    std::string overflow_;
    std::chrono::milliseconds max_publish_wait_{};
    std::uint64_t publish_window_{};
};

}  // namespace hookbot::serve
