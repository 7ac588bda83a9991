#pragma once

#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {

// Warnings about individual subscribers, at most `burst` per minute.
class log_throttle : public log::throttle {
  public:
    explicit log_throttle(unsigned burst) : log::throttle(burst, "subscriber warnings") {}
};

}  // namespace hookbot::fanout
