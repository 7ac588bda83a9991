#include "control/slot_claim.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "hookbot/shm_ring/bus.hpp"

namespace {

using namespace hookbot::fanout;
namespace shm = hookbot::shm_ring;

struct three_slots {
    std::string name = "slot-claim-test-" + std::to_string(::getpid());
    shm::bus bus = shm::bus::create(name, options());
    ~three_slots() { shm::bus::remove(name); }

    static shm::bus_options options() {
        shm::bus_options o;
        o.shards = 1;
        o.ring_bytes = 1u << 17;
        o.max_body_bytes = 1u << 12;
        o.max_inline_body_bytes = 1u << 12;
        o.worker_slots = 3;
        return o;
    }
};

// The pid of a process that has exited and been reaped.
pid_t gone_pid() {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) ::_exit(0);
    REQUIRE(::waitpid(child, nullptr, 0) == child);
    return child;
}

}  // namespace

TEST_CASE("a worker that attaches takes the first slot no live process holds") {
    three_slots fixture;
    auto& bus = fixture.bus;
    bus.slot(0).pid = ::getppid();  // held: serve's reservation, or a live worker
    bus.slot(1).pid = gone_pid();   // an attached worker that crashed
    {
        const slot_claim claim(bus, std::nullopt, ::getpid());
        CHECK(claim.index() == 1);
        CHECK(bus.slot(1).pid.load() == ::getpid());
        const slot_claim next(bus, std::nullopt, ::getppid());  // pids that live
        CHECK(next.index() == 2);
        CHECK_THROWS_AS(slot_claim(bus, std::nullopt, ::getpid()), std::runtime_error);
    }
    CHECK(bus.slot(1).pid.load() == 0);  // freed on exit
    CHECK(bus.slot(2).pid.load() == 0);
    CHECK(bus.slot(0).pid.load() == ::getppid());
}

TEST_CASE("a worker given its slot takes it over from the reservation") {
    three_slots fixture;
    fixture.bus.slot(2).pid = ::getppid();
    const slot_claim claim(fixture.bus, 2u, ::getpid());
    CHECK(claim.index() == 2);
    CHECK(fixture.bus.slot(2).pid.load() == ::getpid());
    CHECK_THROWS_AS(slot_claim(fixture.bus, 3u, ::getpid()), std::out_of_range);
}

TEST_CASE("a worker given a slot that a live process holds is refused") {
    three_slots fixture;
    REQUIRE(::getppid() != 1);
    fixture.bus.slot(1).pid = 1;  // init: alive, and not our parent
    try {
        const slot_claim claim(fixture.bus, 1u, ::getpid());
        FAIL("took a live process's slot");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) ==
              "slot 1 is held by pid 1, which still runs: one worker per slot");
    }
    CHECK(fixture.bus.slot(1).pid.load() == 1);
    fixture.bus.slot(1).pid = gone_pid();
    const slot_claim claim(fixture.bus, 1u, ::getpid());
    CHECK(fixture.bus.slot(1).pid.load() == ::getpid());
}
