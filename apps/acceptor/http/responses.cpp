#include "http/responses.hpp"

#include <boost/beast/http/write.hpp>
#include <sstream>

namespace hookbot::acceptor::responses {
namespace {

constexpr std::string_view plain_text = "text/plain; charset=utf-8";

response text(http::status status, std::string body) {
    response res{status, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::content_type, plain_text);
    res.body() = std::move(body);
    return res;
}

// What the original's error path (Go's http.Error) sends: the text, a
// newline, and nosniff so a browser never runs an error body as a script.
response error(http::status status, std::string body) {
    response res = text(status, std::move(body));
    res.set("X-Content-Type-Options", "nosniff");
    return res;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

response ok() {
    return text(http::status::ok, "OK\n");
}

std::string_view ok_keep_alive_bytes() {
    static const std::string bytes = [] {
        response res = ok();
        finish(res, 11, true);
        return serialise(res);
    }();
    return bytes;
}

response published(std::string_view id) {
    response res = ok();
    res.set(message_id_header, id);
    return res;
}

void published_keep_alive_bytes(std::string_view id, std::string& out) {
    // Where finish() puts Content-Length, after the fields the builder set:
    // the bytes published(id) would serialise to.
    const std::string_view ok = ok_keep_alive_bytes();
    const std::size_t at = ok.find("Content-Length:");
    out.clear();
    out.append(ok.substr(0, at));
    out.append(message_id_header);
    out.append(": ");
    out.append(id);
    out.append("\r\n");
    out.append(ok.substr(at));
}

response bad_format() {
    return error(http::status::bad_request, "format must be json\n");
}

response malformed_request() {
    return error(http::status::bad_request, "400 Bad Request\n");
}

response moved_permanently(std::string_view location, http::verb method) {
    response res{http::status::moved_permanently, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::location, location);
    if (method == http::verb::get || method == http::verb::head) {
        res.set(http::field::content_type, "text/html; charset=utf-8");
        res.body() = "<a href=\"" + html_escape(location) + "\">Moved Permanently</a>.\n\n";
    }
    return res;
}

response unauthorized() {
    response res = error(http::status::unauthorized, "401 Unauthorized\n");
    res.set(http::field::www_authenticate, "Basic realm=\"hookbot\"");
    return res;
}

response publish_method_not_allowed() {
    response res = error(http::status::method_not_allowed, "Method Not Allowed\n");
    res.set(http::field::allow, "POST, PUT");
    return res;
}

response read_only_method_not_allowed() {
    response res = error(http::status::method_not_allowed, "Method Not Allowed\n");
    res.set(http::field::allow, "GET, HEAD");
    return res;
}

response not_found() {
    return error(http::status::not_found, "404 Not Found\n");
}

response forbidden() {
    return error(http::status::forbidden, "403 Forbidden\n");
}

response metrics_page(std::string text) {
    response res{http::status::ok, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(text);
    return res;
}

response bad_extra_metadata() {
    return error(http::status::bad_request, "400 Bad Request (bad ?extra-metadata=)\n");
}

response publish_unavailable() {
    response res = error(http::status::service_unavailable, "Timeout in send\n");
    res.set(http::field::retry_after, "1");
    return res;
}

response payload_too_large() {
    return error(http::status::payload_too_large, "Request Entity Too Large\n");
}

response header_fields_too_large() {
    return error(http::status::request_header_fields_too_large,
                 "431 Request Header Fields Too Large\n");
}

response uri_too_long() {
    return error(http::status::uri_too_long, "414 URI Too Long\n");
}

response request_timeout() {
    return error(http::status::request_timeout, "408 Request Timeout\n");
}

response unsupported_version() {
    return error(http::status::bad_request, "400 Bad Request (HTTP/1.0 and HTTP/1.1 only)\n");
}

response too_many_connections() {
    response res = error(http::status::service_unavailable, "503 Too Many Connections\n");
    res.set(http::field::retry_after, "1");
    return res;
}

response not_implemented() {
    return error(http::status::not_implemented, "Not Implemented\n");
}

response unsafe_header_required() {
    return error(http::status::bad_request,
                 "400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n");
}

response websocket_refused(http::status status) {
    response res = error(status, std::string(http::obsolete_reason(status)) + "\n");
    res.set(http::field::sec_websocket_version, "13");
    return res;
}

response no_worker_available() {
    response res = error(http::status::service_unavailable, "Service Unavailable\n");
    res.set(http::field::retry_after, "1");
    return res;
}

void finish(response& res, unsigned version, bool keep_alive, bool head_request) {
    res.version(version);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (res.result() == http::status::not_modified) res.content_length(boost::none);
    if (head_request) res.body().clear();
}

std::string serialise(const response& res) {
    std::ostringstream out;
    out << res;
    return out.str();
}

}  // namespace hookbot::acceptor::responses
