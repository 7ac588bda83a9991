#pragma once

#include <boost/beast/http/message.hpp>
#include <optional>
#include <string_view>

#include "hookbot/routing/route.hpp"
#include "http/limits.hpp"
#include "http/responses.hpp"

// The limits a request head must meet before docs/PROTOCOL.md D1 looks at it
// (hostile or broken clients). Pure: no I/O, so each has a unit test. Every
// refusal closes the connection: what follows the head is not trusted.
namespace hookbot::acceptor {

// In this order: an HTTP version other than 1.0 and 1.1 (400), a request
// target over max_url_bytes (414), more than max_header_fields fields (431),
// a topic longer than the bus takes (414). nullopt: the head may go on.
std::optional<responses::response> check_head(const http::request_header<>& head,
                                              const routing::decision& route,
                                              const session_limits& limits);

// The answer when Beast stopped reading a head at max_header_bytes: 414 when
// the request target alone is over max_url_bytes, else 431. `parsed_target`
// is the target when Beast parsed the request line (it then keeps only the
// fields in the buffer); else the target is looked for in `unparsed`, the
// bytes received and not parsed.
responses::response oversized_head(std::string_view parsed_target, std::string_view unparsed,
                                   const session_limits& limits);

}  // namespace hookbot::acceptor
