#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

namespace hookbot::http_front {

// How long, and how much, a closing connection goes on reading.
inline constexpr std::chrono::milliseconds linger_time{std::chrono::seconds(2)};
inline constexpr std::size_t linger_bytes = 8 << 20;

// Ends a connection after an answer that closes it: a half-close, then what
// the client still sends is read and dropped for at most `time` (and
// linger_bytes), because closing with unread data makes the kernel send a
// reset, which can destroy the answer before the client has read it.
// `owner` (the session, which owns `stream` and `buffer`) is kept alive
// until the client closes or the time is up; `buffer` is emptied and reused.
void linger_close(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                  std::shared_ptr<void> owner, std::chrono::milliseconds time = linger_time);

}  // namespace hookbot::http_front
