#include "http/head_checks.hpp"

#include <iterator>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::acceptor {
namespace {

bool is_http1(unsigned version) {
    return version == 10 || version == 11;
}

std::size_t field_count(const http::request_header<>& head) {
    return static_cast<std::size_t>(std::distance(head.begin(), head.end()));
}

bool topic_too_long(const routing::decision& route) {
    const auto* target = std::get_if<routing::dispatch>(&route);
    return target != nullptr && target->topic.size() > shm_ring::layout::max_topic_bytes;
}

}  // namespace

std::optional<responses::response> check_head(const http::request_header<>& head,
                                              const routing::decision& route,
                                              const session_limits& limits) {
    if (!is_http1(head.version())) return responses::unsupported_version();
    if (head.target().size() > limits.max_url_bytes) return responses::uri_too_long();
    if (field_count(head) > limits.max_header_fields) return responses::header_fields_too_large();
    if (topic_too_long(route)) return responses::uri_too_long();
    return std::nullopt;
}

responses::response oversized_head(std::string_view parsed_target, std::string_view unparsed,
                                   const session_limits& limits) {
    auto target = parsed_target;
    if (target.empty()) {
        // "METHOD SP target SP version CRLF": the target runs from the first
        // space to the next one, or to the end of what arrived.
        const auto line = unparsed.substr(0, unparsed.find('\n'));
        const auto start = line.find(' ');
        if (start == std::string_view::npos) return responses::header_fields_too_large();
        target = line.substr(start + 1);
        target = target.substr(0, target.find(' '));
    }
    if (target.size() > limits.max_url_bytes) return responses::uri_too_long();
    return responses::header_fields_too_large();
}

}  // namespace hookbot::acceptor
