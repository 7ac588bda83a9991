#include "listen/forward_target.hpp"

namespace hookbot::listen {

std::string forward_target::request_target(std::string_view original_query) const {
    std::string target = path;
    if (query.empty() && original_query.empty()) return target;
    target += '?';
    target += query;
    if (!query.empty() && !original_query.empty()) target += '&';
    target += original_query;
    return target;
}

std::string forward_target::host_header() const {
    const bool default_port = server.port == (server.secure ? "443" : "80");
    if (!default_port) return server.authority();
    const bool ipv6 = server.host.find(':') != std::string::npos;
    return ipv6 ? "[" + server.host + "]" : server.host;
}

std::string forward_target::shown() const {
    return std::string(server.secure ? "https://" : "http://") + server.authority() + path;
}

std::optional<forward_target> parse_forward_target(std::string_view text) {
    auto url = client::parse_server_url(text);
    if (!url || url->websocket) return std::nullopt;
    forward_target target;
    const auto question = url->target.find('?');
    target.path = url->target.substr(0, question);
    if (question != std::string::npos) target.query = url->target.substr(question + 1);
    target.server = std::move(*url);
    return target;
}

}  // namespace hookbot::listen
