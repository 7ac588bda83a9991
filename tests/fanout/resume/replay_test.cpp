// A replay that starts with what a cluster's stream gave (stream_batch),
// then reads the bus after it: the order, and the gap notices where
// something was lost in either.
#include "resume/replay.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/handoff/stream_batch.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"

namespace {

using namespace hookbot::fanout;
namespace shm = hookbot::shm_ring;
namespace handoff = hookbot::handoff;

constexpr std::uint64_t published = 3000;

// Small rings (128 KiB: a few hundred of these messages), epoch 77.
shm::bus_options small_bus(std::uint32_t shards) {
    shm::bus_options o;
    o.shards = shards;
    o.ring_bytes = 1u << 17;
    o.max_body_bytes = 1u << 12;
    o.max_inline_body_bytes = 1u << 12;
    o.worker_slots = 1;
    o.epoch = 77;
    return o;
}

// A private bus, removed afterwards.
struct named_bus {
    std::string name;
    shm::bus bus;

    named_bus(const std::string& prefix, std::uint32_t shards)
        : name(prefix + std::to_string(::getpid())),
          bus(shm::bus::create(name, small_bus(shards))) {}
    named_bus(const named_bus&) = delete;
    named_bus& operator=(const named_bus&) = delete;
    ~named_bus() { shm::bus::remove(name); }
};

// One shard that holds a few hundred of the messages published.
struct lapped_bus : named_bus {
    lapped_bus() : named_bus("replay-test-", 1) {
        shm::bus_writer writer{bus};
        for (std::uint64_t seq = 1; seq <= published; ++seq) {
            REQUIRE(writer.append("t", "bus " + std::to_string(seq) + std::string(150, '.')));
        }
    }
};

// What the stream gave: messages `first`..`last` on topic "t", every tenth
// on another topic.
stream_batch from_stream(std::uint64_t read_from, std::uint64_t first, std::uint64_t last) {
    std::string bytes;
    for (std::uint64_t seq = first; seq <= last; ++seq) {
        handoff::append_to_batch(bytes, {seq, shm::unix_time_us(), 0, seq % 10 == 0 ? "u" : "t",
                                         "stream " + std::to_string(seq)});
    }
    const auto fd = handoff::seal_body(bytes);
    return {read_from, last, handoff::map_sealed_body(fd.get(), bytes.size())};
}

struct replayed {
    std::vector<std::uint64_t> seqs;  // of the messages, in order
    std::vector<std::size_t> gaps;    // how many messages came before each gap notice
};

replayed drain(replay& from) {
    subscriber_queue queue(queue_limits{});
    replayed out;
    const auto take = [&] {
        while (!queue.empty()) {
            const payload& next = queue.front();
            if (std::string_view(next->bytes).starts_with("{\"gap\"")) {
                out.gaps.push_back(out.seqs.size());
            } else {
                out.seqs.push_back(next->bus_seq);
            }
            queue.pop();
        }
    };
    if (const payload notice = from.gap_notice()) queue.push(notice);
    while (from.fill(queue, 16)) take();
    take();
    return out;
}

resume_start after(std::uint64_t seq) {
    resume_start start;
    start.after_bus_seq = seq;
    return start;
}

}  // namespace

TEST_CASE("a resume the bus lapped says so, and misses its start") {
    lapped_bus f;
    replay from_bus(f.bus, "t", false, payload_kind::json, after(10), "ignored");
    CHECK(from_bus.missed_start());
    const replayed got = drain(from_bus);
    CHECK(got.gaps == std::vector<std::size_t>{0});
    REQUIRE_FALSE(got.seqs.empty());
    CHECK(got.seqs.front() > 11);
    CHECK(got.seqs.back() == published);
}

TEST_CASE("what the stream gave comes first, then the bus after it, with no gap") {
    lapped_bus f;
    const std::uint64_t seam = published - 100;  // the bus still holds what follows
    replay both(f.bus, "t", false, payload_kind::json, after(10), "ignored",
                from_stream(11, 11, seam));
    CHECK_FALSE(both.missed_start());
    const replayed got = drain(both);
    CHECK(got.gaps.empty());
    std::vector<std::uint64_t> expected;
    for (std::uint64_t seq = 11; seq <= published; ++seq) {
        if (seq > seam || seq % 10 != 0) expected.push_back(seq);  // "u" is not the subscription's
    }
    CHECK(got.seqs == expected);
    CHECK(both.last_bus_seq() == published);
}

TEST_CASE("what the stream no longer held, and what the bus lost after it, are gaps") {
    lapped_bus f;
    // The stream had dropped 11..19; the bus overwrote what follows 500.
    replay both(f.bus, "t", false, payload_kind::json, after(10), "ignored",
                from_stream(20, 21, 500));
    const replayed got = drain(both);
    REQUIRE(got.gaps.size() == 2);
    CHECK(got.gaps[0] == 0);
    CHECK(got.seqs.at(0) == 21);
    // The second notice right after the stream's last message of the subscription.
    CHECK(got.seqs.at(got.gaps[1] - 1) == 499);
    CHECK(got.seqs.at(got.gaps[1]) > 501);
    CHECK(got.seqs.back() == published);
}

TEST_CASE("nothing read from the stream: the bus alone, as without one") {
    lapped_bus f;
    replay none(f.bus, "t", false, payload_kind::json, after(10), "ignored",
                stream_batch{11, 10, {}});
    CHECK(none.missed_start());
    CHECK(drain(none).gaps == std::vector<std::size_t>{0});
}

TEST_CASE("a resume from before the bus's first message missed what the bus never had") {
    named_bus f("replay-joined-", 2);
    const shm::bus& joined = f.bus;
    {
        shm::bus_writer writer{f.bus};
        // A cluster host that joined when the stream was at 1000.
        for (std::uint64_t seq = 1001; seq <= 1010; ++seq) REQUIRE(writer.append_at(seq, "t", "x"));
    }
    replay missed(joined, "t", false, payload_kind::json, after(500), "ignored");
    CHECK(missed.missed_start());
    replay within(joined, "t", false, payload_kind::json, after(1000), "ignored");
    CHECK_FALSE(within.missed_start());
    CHECK(drain(within).seqs.size() == 10);
    replay both(joined, "t", false, payload_kind::json, after(500), "ignored",
                from_stream(501, 501, 1000));
    const replayed got = drain(both);
    CHECK(got.gaps.empty());
    CHECK(got.seqs.size() == 500 - 50 + 10);  // every tenth of the stream's is "u"
}
