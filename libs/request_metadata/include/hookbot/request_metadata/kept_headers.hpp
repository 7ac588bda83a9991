#pragma once

#include <string_view>

namespace hookbot::request_metadata {

// Whether a publish with `?extra-metadata=request` keeps this request header
// (docs/PROTOCOL.md, "The original request"): the ones a webhook receiver
// needs to check and route a delivery — Content-Type and Content-Encoding
// (the body is kept byte for byte, so its encoding must travel with it),
// User-Agent, and the delivery, event and signature headers of the common
// providers. The name is matched without regard to case.
//
// An allow-list, not a deny-list: a header not named here never travels,
// so credentials (Authorization, Cookie, Proxy-Authorization), hookbot's
// own headers and the hop-by-hop ones (Connection, Transfer-Encoding, …)
// stay with the hop they were meant for.
bool is_kept_header(std::string_view name);

}  // namespace hookbot::request_metadata
