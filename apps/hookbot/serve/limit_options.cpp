#include "serve/limit_options.hpp"

#include <stdexcept>

#include "hookbot/limits/limit_option.hpp"

namespace hookbot::serve {

boost::program_options::options_description limit_options::describe() {
    boost::program_options::options_description d("limits against hostile or broken clients");
    limits::add_option(d, limits::max_header_bytes, max_header_bytes_);
    limits::add_option(d, limits::max_header_fields, max_header_fields_);
    limits::add_option(d, limits::max_url_bytes, max_url_bytes_);
    limits::add_option(d, limits::header_timeout, header_timeout_);
    limits::add_option(d, limits::body_timeout, body_timeout_);
    limits::add_option(d, limits::idle_timeout, idle_timeout_);
    limits::add_option(d, limits::max_connections, max_connections_);
    limits::add_option(d, limits::max_subscribers, max_subscribers_);
    limits::add_option(d, limits::max_client_message, max_client_message_);
    limits::add_option(d, limits::write_timeout, write_timeout_);
    limits::add_option(d, limits::ping_interval, ping_interval_);
    limits::add_option(d, limits::ping_timeout, ping_timeout_);
    return d;
}

void limit_options::check() const {
    if (ping_timeout_ <= ping_interval_) {
        throw std::invalid_argument("--ping-timeout must be greater than --ping-interval");
    }
}

void limit_options::add_to(std::vector<std::string>& acceptor_args,
                           std::vector<std::string>& fanout_args) const {
    limits::pass_on(acceptor_args, limits::max_header_bytes, max_header_bytes_);
    limits::pass_on(acceptor_args, limits::max_header_fields, max_header_fields_);
    limits::pass_on(acceptor_args, limits::max_url_bytes, max_url_bytes_);
    limits::pass_on(acceptor_args, limits::header_timeout, header_timeout_);
    limits::pass_on(acceptor_args, limits::body_timeout, body_timeout_);
    limits::pass_on(acceptor_args, limits::idle_timeout, idle_timeout_);
    limits::pass_on(acceptor_args, limits::max_connections, max_connections_);
    // The workers' HTTP is that of built-in TLS connections.
    limits::pass_on(fanout_args, limits::max_header_bytes, max_header_bytes_);
    limits::pass_on(fanout_args, limits::header_timeout, header_timeout_);
    limits::pass_on(fanout_args, limits::body_timeout, body_timeout_);
    limits::pass_on(fanout_args, limits::idle_timeout, idle_timeout_);
    limits::pass_on(fanout_args, limits::max_connections, max_connections_);
    limits::pass_on(fanout_args, limits::max_subscribers, max_subscribers_);
    limits::pass_on(fanout_args, limits::max_client_message, max_client_message_);
    limits::pass_on(fanout_args, limits::write_timeout, write_timeout_);
    limits::pass_on(fanout_args, limits::ping_interval, ping_interval_);
    limits::pass_on(fanout_args, limits::ping_timeout, ping_timeout_);
}

}  // namespace hookbot::serve
