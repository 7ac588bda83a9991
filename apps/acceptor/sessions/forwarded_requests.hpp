#pragma once

#include <functional>

#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "sessions/shared_state.hpp"

// Built-in TLS (docs/ARCHITECTURE.md, TLS): the fanout workers terminate TLS and
// forward each request they read here, head and whole body, over their
// control connection. It gets exactly the plain path's treatment
// (request_plan, tokens, publish_handler), so both paths answer a request
// with the same bytes; only the connection it arrived on differs.
namespace hookbot::acceptor {

// The answer to one forwarded request: a forwarded_response with the whole
// response (and whether the connection closes after it), or, for an
// authorised websocket handshake, a forwarded_subscribe telling the worker to
// complete it itself. `body` is the memfd of a body too large to travel
// inline (else invalid). `reply` gets the answer: at once, or for a publish
// once the bus has room for it (flow control, bus_room).
using forwarded_reply = std::function<void(handoff::message)>;
void answer_forwarded(shared_state& state, handoff::forwarded_request request,
                      posix::unique_fd body, forwarded_reply reply);

}  // namespace hookbot::acceptor
