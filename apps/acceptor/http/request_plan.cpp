#include "http/request_plan.hpp"

#include "hookbot/auth/authorization.hpp"
#include "http/websocket_checks.hpp"

namespace hookbot::acceptor {
namespace {

using routing::endpoint;

bool is_subscription(const http::request_header<>& head, const routing::dispatch& target) {
    return target.kind == endpoint::sub || target.kind == endpoint::unsafe_sub ||
           (target.kind == endpoint::root && head.method() == http::verb::get);
}

// The Authorization header's token; on a subscription without that header,
// the access_token parameter's.
std::optional<std::string> request_token(const http::request_header<>& head,
                                         const routing::dispatch& target) {
    const auto authorization = head.find(http::field::authorization);
    if (authorization != head.end() || !is_subscription(head, target)) {
        return auth::token_from_authorization(head[http::field::authorization]);
    }
    return routing::query_parameter(target.query, access_token_parameter);
}

bool authorised(const http::request_header<>& head, const routing::dispatch& target,
                const auth::verifier& verifier) {
    const auto token = request_token(head, target);
    return token && verifier.authorizes(*token, target.path);
}

// `location` without its access_token parameters: a redirect must not echo
// a token (docs/PROTOCOL.md, "Tokens in the URL").
std::string without_access_token(std::string_view location) {
    const auto question = location.find('?');
    if (question == std::string_view::npos) return std::string(location);
    std::string out(location.substr(0, question));
    std::string_view query = location.substr(question + 1);
    std::string kept;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.substr(0, pair.find('=')) == access_token_parameter) continue;
        if (!kept.empty()) kept += '&';
        kept += pair;
    }
    // A bare '?' stays as the request had it.
    if (!kept.empty() || location.size() == question + 1) out += '?';
    out += kept;
    return out;
}

// A GET asking for text/event-stream without an upgrade: Server-Sent Events.
bool wants_event_stream(const http::request_header<>& head) {
    if (head.method() != http::verb::get || head.find(http::field::upgrade) != head.end()) {
        return false;
    }
    return head[http::field::accept].find("text/event-stream") != std::string_view::npos;
}

request_plan subscribe(const http::request_header<>& head, const routing::dispatch& target) {
    subscribe_plan plan;
    plan.topic = target.topic;
    plan.recursive = target.recursive;
    if (wants_event_stream(head)) {
        plan.format = handoff::delivery_format::event_stream;
    } else if (const auto refused = check_websocket_handshake(head)) {
        return reply{responses::websocket_refused(*refused)};
    } else if (const auto format = routing::query_parameter(target.query, "format")) {
        if (*format != "json") return reply{responses::bad_format()};
        plan.format = handoff::delivery_format::json;
    }
    if (auto since = routing::query_parameter(target.query, "since")) {
        plan.since = std::move(*since);
    } else {
        plan.since = std::string(head["Last-Event-ID"]);
    }
    return plan;
}

// D4.3: only the first extra-metadata parameter counts: "github" or "request".
request_plan publish(const routing::dispatch& target) {
    publish_plan plan{target.topic, extra_metadata::none, {}};
    if (const auto extra = routing::query_parameter(target.query, "extra-metadata")) {
        if (*extra == "github") {
            plan.extra = extra_metadata::github;
        } else if (*extra == "request") {
            plan.extra = extra_metadata::request;
            plan.query = target.query;
        } else {
            return reply{responses::bad_extra_metadata()};
        }
    }
    return plan;
}

// D4.1: /pub/ and /unsafe/pub/ publish on POST and PUT only, so a crawler's
// GET never publishes (the original publishes on any method).
request_plan publish_endpoint(const http::request_header<>& head, const routing::dispatch& target) {
    if (head.method() != http::verb::post && head.method() != http::verb::put) {
        return reply{responses::publish_method_not_allowed()};
    }
    return publish(target);
}

// D5.4: the token first, then the method.
request_plan root_endpoint(const http::request_header<>& head, const routing::dispatch& target) {
    switch (head.method()) {
        case http::verb::post:
            return publish(target);
        case http::verb::get:
            return subscribe(head, target);
        default:
            return reply{responses::not_implemented()};
    }
}

// GET and HEAD only: the page changes nothing.
request_plan metrics_endpoint(const http::request_header<>& head, const routing::dispatch& target,
                              const auth::verifier& verifier) {
    if (head.method() != http::verb::get && head.method() != http::verb::head) {
        return reply{responses::read_only_method_not_allowed()};
    }
    return metrics_plan{authorised(head, target, verifier)};
}

request_plan dispatch(const http::request_header<>& head, const routing::dispatch& target,
                      const auth::verifier& verifier) {
    if (target.kind == endpoint::status) return reply{responses::ok()};
    if (target.kind == endpoint::metrics) return metrics_endpoint(head, target, verifier);
    if (target.kind == endpoint::ui) return ui_plan{target.path};
    // D6: the unsafe header comes before the token.
    if (target.kind == endpoint::unsafe_sub && head[unsafe_header_name] != unsafe_header_value) {
        return reply{responses::unsafe_header_required()};
    }
    if (target.kind != endpoint::unsafe_pub && !authorised(head, target, verifier)) {
        return reply{responses::unauthorized()};
    }
    switch (target.kind) {
        case endpoint::pub:
        case endpoint::unsafe_pub:
            return publish_endpoint(head, target);
        case endpoint::sub:
        case endpoint::unsafe_sub:
            return subscribe(head, target);
        default:
            return root_endpoint(head, target);
    }
}

}  // namespace

request_plan plan_request(const http::request_header<>& head, const routing::decision& route,
                          const auth::verifier& verifier) {
    if (std::holds_alternative<routing::malformed>(route)) {
        return reply{responses::malformed_request(), true};
    }
    if (const auto* moved = std::get_if<routing::redirect>(&route)) {
        return reply{
            responses::moved_permanently(without_access_token(moved->location), head.method())};
    }
    return dispatch(head, std::get<routing::dispatch>(route), verifier);
}

bool is_publish_request(const http::request_header<>& head, const routing::decision& route) {
    const auto* target = std::get_if<routing::dispatch>(&route);
    if (target == nullptr) return false;
    switch (target->kind) {
        case endpoint::pub:
        case endpoint::unsafe_pub:
            return true;
        case endpoint::root:
            return head.method() == http::verb::post;
        default:
            return false;
    }
}

}  // namespace hookbot::acceptor
