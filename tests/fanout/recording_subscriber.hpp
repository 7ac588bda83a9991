#pragma once

#include <functional>
#include <vector>

#include "delivery/subscriber.hpp"

namespace hookbot::fanout::testing {

// A subscriber that records what it is given and answers as told.
struct recording_subscriber final : subscriber {
    std::vector<payload> received;
    push_result answer = push_result::queued;
    int going_away = 0;
    int flushes = 0;
    std::function<void()> on_flush;

    push_result deliver(const payload& message) override {
        received.push_back(message);
        return answer;
    }
    void flush() override {
        ++flushes;
        if (on_flush) on_flush();
    }
    void close_going_away() override { ++going_away; }
};

}  // namespace hookbot::fanout::testing
