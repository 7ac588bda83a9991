#pragma once

#include <memory>
#include <string>

namespace hookbot::fanout {

// One outgoing websocket message, built once per bus record and format, then
// shared read-only by every subscriber it is queued to: memory per message,
// not per subscriber.
using payload = std::shared_ptr<const std::string>;

}  // namespace hookbot::fanout
