#pragma once

#include <boost/beast/http/message.hpp>
#include <string>

#include "http/request_plan.hpp"
#include "workers/worker_pool.hpp"

// docs/PROTOCOL.md P2, D5: after plan_request() accepted a subscriber (unsafe
// header, token, handshake checks), its connection goes to a fanout worker,
// which answers the handshake itself: the subscription is in effect in the
// worker before its `101` is sent (D5.2).
namespace hookbot::acceptor {

// The request head as a worker re-parses it: request line, fields, CRLF CRLF.
std::string serialise_head(const http::request_header<>& head);

// Hands the connection `client` to the least-loaded worker. On true the
// caller closes its own descriptor (close only: a shutdown would end the
// worker's copy too); on false no worker could take it and the caller answers.
bool hand_off_subscriber(worker_pool& workers, const subscribe_plan& plan,
                         const http::request_header<>& head, int client);

}  // namespace hookbot::acceptor
