#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "hookbot/client/envelope.hpp"
#include "listen/forward_target.hpp"

namespace hookbot::listen {

// The request `--forward` sends for one message (docs/OPERATIONS.md,
// "Forwarding"): as it was published when the publish kept its request
// (PROTOCOL X3) — its method, its kept headers, its query after the
// target's own — else a POST; either way the body byte for byte, `Host` of
// the target, and `Hookbot-Id` with the message's id so that a target can
// drop a delivery it has seen (delivery is at least once).
//
// Headers that describe one hop and not the message (Host, Content-Length,
// Connection, Transfer-Encoding, …) and credentials are never copied, even if
// a server sent them: this side sets its own.
boost::beast::http::request<boost::beast::http::string_body> make_forward_request(
    const forward_target& target, const client::watch_message& message);

}  // namespace hookbot::listen
