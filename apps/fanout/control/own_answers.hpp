#pragma once

#include <cstddef>
#include <string>

#include "hookbot/posix/unique_fd.hpp"

// The few answers a worker writes itself rather than the acceptor.
//
// A worker at its --max-subscribers refuses a subscriber the acceptor handed
// it anyway (the acceptor counts a worker's subscribers a little late) with
// the acceptor's own answer when every worker is full: 503 and Retry-After.
// On the TLS port a request head or body that misses its deadline gets 408,
// as on the plain port.
namespace hookbot::fanout {

// The whole response, status line to body, closing the connection.
std::string capacity_refusal();

// 408, closing the connection: the acceptor's responses::request_timeout().
std::string request_timeout_answer();

// Writes capacity_refusal() to a handed client connection, without waiting
// (it is small and the connection's send buffer is empty), and closes it.
void refuse_handed_connection(posix::unique_fd connection);

// Says (at most 20 times a minute) that a subscriber was refused with
// `subscribers` already connected.
void log_full_refusal(std::size_t subscribers);

}  // namespace hookbot::fanout
