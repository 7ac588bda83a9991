#pragma once

#include <boost/beast/http/fields.hpp>
#include <string>
#include <string_view>

namespace hookbot::acceptor {

// docs/PROTOCOL.md X1 / D4.3: what `?extra-metadata=github` publishes instead of
// the body: {"Delivery":D,"Event":E,"Payload":base64(body),"Signature":S},
// compact, keys in that order. S is X-Hub-Signature-256, or X-Hub-Signature
// when that is absent; a missing header is "". Bytes that are not UTF-8 in a
// header become U+FFFD, as the original's encoder does.
std::string github_envelope(const boost::beast::http::fields& headers, std::string_view body);

}  // namespace hookbot::acceptor
