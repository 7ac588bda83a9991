#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

namespace hookbot::fanout {

// A websocket upgrade request's head, as the subscriber answers it: read by
// the acceptor (handed over) or by this worker's TLS front.
using upgrade_request = boost::beast::http::request<boost::beast::http::empty_body>;

}  // namespace hookbot::fanout
