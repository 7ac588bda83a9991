#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hookbot::client {

// The completion token of every awaited operation here: the error code comes
// back with the result instead of as an exception, so each step says what
// failed in its own words.
inline constexpr auto use_error_code = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace hookbot::client
