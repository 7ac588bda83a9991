#include "subscribers/control_frames.hpp"

#include <doctest/doctest.h>

#include <string>

using hookbot::fanout::control_frames;

TEST_CASE("one pong waits: a newer ping's replaces it (RFC 6455 5.5.3)") {
    control_frames controls;
    for (int i = 0; i < 10000; ++i) controls.pong("p");
    controls.ping();
    controls.pong("the last");
    // Our ping, then the pong of the most recent ping only.
    CHECK(controls.next() == std::string("\x89\x00\x8a\x08the last", 12));
    controls.written(3);
    controls.pong("while sending");  // waits: the frames being sent go first
    CHECK(controls.next() == std::string("\x08the last", 9));
    controls.written(9);
    CHECK(!controls.empty());
    CHECK(controls.next() == std::string("\x8a\x0dwhile sending", 15));
    controls.written(15);
    CHECK(controls.empty());
}

TEST_CASE("a close frame follows what waits") {
    control_frames controls;
    controls.pong("x");
    controls.close(1008, "too slow");
    CHECK(controls.next() == std::string("\x8a\x01x\x88\x0a\x03\xf0too slow", 15));
}
