#include "limit_options.hpp"

#include <boost/program_options.hpp>
#include <stdexcept>

#include "option_text.hpp"

namespace hookbot::serve {
namespace po = boost::program_options;

po::options_description limit_options::describe() {
    po::options_description d("limits against hostile or broken clients");
    // clang-format off
    d.add_options()
        ("max-header-bytes", po::value(&max_header_bytes_)->default_value(max_header_bytes_),
            "largest request line plus header fields, at most 65536 (larger: 431)")
        ("max-header-fields", po::value(&max_header_fields_)->default_value(max_header_fields_),
            "most header fields in one request (more: 431)")
        ("max-url-bytes", po::value(&max_url_bytes_)->default_value(max_url_bytes_),
            "longest request target, path and query (longer: 414)")
        ("header-timeout", po::value(&header_timeout_s_)->default_value(header_timeout_s_),
            "seconds for a whole request head to arrive (else 408)")
        ("body-timeout", po::value(&body_timeout_s_)->default_value(body_timeout_s_),
            "seconds for a whole publish body to arrive after its head (else 408)")
        ("idle-timeout", po::value(&idle_timeout_s_)->default_value(idle_timeout_s_),
            "seconds a keep-alive connection may wait for its next request")
        ("max-connections", po::value(&max_connections_)->default_value(max_connections_),
            "HTTP connections the acceptor keeps open at once (more: 503 with Retry-After); "
            "with built-in TLS, connections each worker holds before they subscribe (more: "
            "closed at once)")
        ("max-subscribers", po::value(&max_subscribers_)->default_value(max_subscribers_),
            "subscribers per fanout worker; with every worker full: 503 with Retry-After")
        ("max-client-message",
            po::value(&max_client_message_)->default_value(max_client_message_),
            "largest websocket message a subscriber may send (larger: close 1009)");
    // clang-format on
    return d;
}

void limit_options::check() const {
    if (max_header_bytes_ < 1024 || max_header_bytes_ > 64 * 1024) {
        throw std::invalid_argument("--max-header-bytes must be between 1024 and 65536");
    }
    for (const double seconds : {header_timeout_s_, body_timeout_s_, idle_timeout_s_}) {
        if (!(seconds > 0) || seconds > 86400) {
            throw std::invalid_argument(
                "--header-timeout, --body-timeout and --idle-timeout must be between 0 and 86400 "
                "seconds");
        }
    }
    if (max_header_fields_ == 0 || max_url_bytes_ == 0 || max_connections_ == 0 ||
        max_subscribers_ == 0 || max_client_message_ == 0) {
        throw std::invalid_argument(
            "--max-header-fields, --max-url-bytes, --max-connections, --max-subscribers and "
            "--max-client-message must be at least 1");
    }
}

void limit_options::add_to(std::vector<std::string>& acceptor_args,
                           std::vector<std::string>& fanout_args) const {
    add_option(acceptor_args, "max-header-bytes", max_header_bytes_);
    add_option(acceptor_args, "max-header-fields", max_header_fields_);
    add_option(acceptor_args, "max-url-bytes", max_url_bytes_);
    add_option(acceptor_args, "header-timeout", header_timeout_s_);
    add_option(acceptor_args, "body-timeout", body_timeout_s_);
    add_option(acceptor_args, "idle-timeout", idle_timeout_s_);
    add_option(acceptor_args, "max-connections", max_connections_);
    // The workers' HTTP is that of built-in TLS connections.
    add_option(fanout_args, "max-header-bytes", max_header_bytes_);
    add_option(fanout_args, "header-timeout", header_timeout_s_);
    add_option(fanout_args, "body-timeout", body_timeout_s_);
    add_option(fanout_args, "max-connections", max_connections_);
    add_option(fanout_args, "max-subscribers", max_subscribers_);
    add_option(fanout_args, "max-client-message", max_client_message_);
}

}  // namespace hookbot::serve
