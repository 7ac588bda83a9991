#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>

// Every answer the acceptor writes itself, in one place, so that the bytes
// docs/PROTOCOL.md fixes (status, body, headers) can be read and tested together.
// Builders set status, headers and body; http_session then calls finish() to
// set the version, keep-alive and the payload size.
namespace hookbot::acceptor {
namespace http = boost::beast::http;
}

namespace hookbot::acceptor::responses {

using response = http::response<http::string_body>;

// P1, D4.2 and P8, D1.3: `200`, body "OK\n".
response ok();
// The bytes of ok() finished for HTTP/1.1 keep-alive: what nearly every
// publish gets. Serialised once, from ok() itself, so they cannot drift from
// it; writing them skips Beast's serializer on the hot path.
std::string_view ok_keep_alive_bytes();
// A committed publish: ok() with the message's id in `Hookbot-Id`.
response published(std::string_view id);
// The bytes of published(id) finished for HTTP/1.1 keep-alive, written into
// `out` (a buffer the session reuses): ok_keep_alive_bytes() with the id
// spliced in where published(id) has it.
void published_keep_alive_bytes(std::string_view id, std::string& out);
// The header that carries a message id (docs/PROTOCOL.md, "Message ids").
inline constexpr std::string_view message_id_header = "Hookbot-Id";

// D1.1 and a request Beast cannot parse: `400` and the connection closes.
response malformed_request();
// D1.2, D1.4: `301` to `location`. Like the original (Go's http.Redirect), a
// GET or HEAD gets a small HTML body naming the new place.
response moved_permanently(std::string_view location, http::verb method);
// D2.4.
response unauthorized();
// D4.1: a publish path with a method other than POST and PUT.
response publish_method_not_allowed();
// /metrics, or a path under /ui, with a method other than GET and HEAD.
response read_only_method_not_allowed();
// Under /ui: a file the inspector does not have, or the page is off (--ui off).
response not_found();
// /metrics refused: 403 for a peer that may not read it, 401 (as D2.4) for
// a missing or wrong token where a token is required.
response forbidden();
// The metrics page (Prometheus text exposition format 0.0.4).
response metrics_page(std::string text);
// D4.3 / X2.
response bad_extra_metadata();
// A subscription's ?format= other than "json".
response bad_format();
// D4.2: this project's answer when a record cannot be committed at all.
response publish_unavailable();
// A publish body (or its github envelope) larger than the bus takes.
response payload_too_large();
// A request head over the header limit, or with too many fields.
response header_fields_too_large();
// A request target over the URL limit, or a topic longer than the bus takes.
response uri_too_long();
// A request head or body not complete in time (slow or stalled client).
response request_timeout();
// A request line naming a version other than HTTP/1.0 and HTTP/1.1 (an
// HTTP/2 preface, say): answered in HTTP/1.1.
response unsupported_version();
// The acceptor has --max-connections open already.
response too_many_connections();
// D5.4: a root-endpoint method that neither publishes nor subscribes.
response not_implemented();
// D6: the unsafe-subscription header is missing or wrong.
response unsafe_header_required();
// D5.1: a failed websocket handshake (400, 403, 405), like the original's
// websocket library: the status text as body, `Sec-WebSocket-Version: 13`.
response websocket_refused(http::status status);
// An authorised subscriber that no fanout worker can take right now.
response no_worker_available();

// Sets what depends on the request: HTTP version, Connection, Content-Length.
// The answer to a HEAD request keeps its Content-Length but sends no body;
// a 304 has none (it could only repeat the 200's, RFC 9110 §8.6).
void finish(response& res, unsigned version, bool keep_alive, bool head_request = false);

// The bytes finish()ed `res` puts on the wire (tests, logs).
std::string serialise(const response& res);

}  // namespace hookbot::acceptor::responses
