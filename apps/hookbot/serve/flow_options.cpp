#include "serve/flow_options.hpp"

#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/limits/limit_option.hpp"

namespace hookbot::serve {

boost::program_options::options_description flow_options::describe() {
    boost::program_options::options_description d(
        "flow control from subscribers back to publishers");
    limits::add_option(d, limits::queue_messages, queue_messages_);
    limits::add_option(d, limits::queue_bytes, queue_bytes_);
    limits::add_option(d, limits::slow_after, slow_after_);
    limits::add_option(d, limits::overflow, overflow_);
    limits::add_option(d, limits::max_publish_wait, max_publish_wait_);
    limits::add_option(d, limits::publish_window, publish_window_);
    return d;
}

void flow_options::add_to(std::vector<std::string>& acceptor_args,
                          std::vector<std::string>& fanout_args) const {
    limits::pass_on(acceptor_args, limits::max_publish_wait, max_publish_wait_);
    limits::pass_on(acceptor_args, limits::publish_window, publish_window_);
    limits::pass_on(fanout_args, limits::queue_messages, queue_messages_);
    limits::pass_on(fanout_args, limits::queue_bytes, queue_bytes_);
    limits::pass_on(fanout_args, limits::slow_after, slow_after_);
    limits::pass_on(fanout_args, limits::overflow, overflow_);
}

}  // namespace hookbot::serve
