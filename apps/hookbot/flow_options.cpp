#include "flow_options.hpp"

#include <boost/program_options.hpp>
#include <stdexcept>

#include "option_text.hpp"

namespace hookbot::serve {
namespace po = boost::program_options;

po::options_description flow_options::describe() {
    po::options_description d("flow control from subscribers back to publishers");
    // clang-format off
    d.add_options()
        ("slow-after", po::value(&slow_after_s_)->default_value(slow_after_s_),
            "seconds a subscriber's queue may stay over its high watermark (half full, at most 256 "
            "messages or 1 MiB) and hold its worker (and "
            "so the publishers) back; behind longer, it is slow and loses what overflows its "
            "queue (0: never hold back)")
        ("max-publish-wait", po::value(&max_publish_wait_s_)->default_value(max_publish_wait_s_),
            "seconds a publish may wait, unanswered, for a worker with subscribers that is "
            "too far behind the bus; then it is committed anyway (0: never wait)")
        ("publish-window", po::value(&publish_window_)->default_value(publish_window_),
            "records the bus may run ahead of the slowest worker with subscribers before "
            "publishes wait (also at most half a ring of bytes)");
    // clang-format on
    return d;
}

void flow_options::check() const {
    if (!(slow_after_s_ >= 0) || slow_after_s_ > 3600) {
        throw std::invalid_argument("--slow-after must be between 0 and 3600 seconds");
    }
    if (!(max_publish_wait_s_ >= 0) || max_publish_wait_s_ > 60) {
        throw std::invalid_argument("--max-publish-wait must be between 0 and 60 seconds");
    }
    if (publish_window_ == 0 || publish_window_ > (1u << 24)) {
        throw std::invalid_argument("--publish-window must be between 1 and 16777216");
    }
}

void flow_options::add_to(std::vector<std::string>& acceptor_args,
                          std::vector<std::string>& fanout_args) const {
    add_option(acceptor_args, "max-publish-wait", max_publish_wait_s_);
    add_option(acceptor_args, "publish-window", publish_window_);
    add_option(fanout_args, "slow-after", slow_after_s_);
}

}  // namespace hookbot::serve
