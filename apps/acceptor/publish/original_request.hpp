#pragma once

#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "http/responses.hpp"

namespace hookbot::acceptor {

// docs/PROTOCOL.md X3: what `?extra-metadata=request` keeps of a publish
// beside its body — the method, the query less hookbot's own parameters,
// and the allow-listed headers — as the JSON that rides in the bus record
// (hookbot/request_metadata). Or the 431 that refuses a publish that would
// keep more than request_metadata's bounds.
using kept_or_refused = std::variant<std::string, responses::response>;
kept_or_refused keep_original_request(const boost::beast::http::request_header<>& head,
                                      std::string_view raw_query);

}  // namespace hookbot::acceptor
