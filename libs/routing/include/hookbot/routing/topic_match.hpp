#pragma once

#include <string_view>

namespace hookbot::routing {

// Whether a subscription on `subscribed` gets a message on `topic`
// (docs/PROTOCOL.md P2, P7): an exact one only that topic, a recursive one
// (`subscribed` ends in '/') every topic that starts with it, itself included.
inline bool subscription_matches(std::string_view subscribed, bool recursive,
                                 std::string_view topic) noexcept {
    return recursive ? topic.starts_with(subscribed) : topic == subscribed;
}

}  // namespace hookbot::routing
