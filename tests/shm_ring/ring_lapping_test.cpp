// A reader the writer overtakes: it must notice, count exactly what it lost,
// resume at the oldest record still there, and never return torn bytes.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

// Checks what a reader returns against what the writer wrote (pattern bodies
// keyed by ring_seq) and that every ring_seq gap is counted as lapped.
struct lap_checker {
    std::uint64_t last_ring_seq = 0;
    std::uint64_t gaps = 0;
    std::uint64_t records = 0;
    std::uint64_t torn = 0;
    std::size_t max_body;

    void check(const record_view& record) {
        if (record.ring_seq <= last_ring_seq) ++torn;  // out of order counts as broken too
        gaps += record.ring_seq - last_ring_seq - 1;
        last_ring_seq = record.ring_seq;
        ++records;
        if (record.bus_seq != record.ring_seq) ++torn;
        if (record.body !=
            test::pattern_body(record.ring_seq, test::varied_size(record.ring_seq, max_body)))
            ++torn;
    }
};

void append_numbered(ring_writer& writer, std::uint64_t seq, std::size_t max_body) {
    writer.append("lap", test::pattern_body(seq, test::varied_size(seq, max_body)), 0, seq);
}

TEST_CASE("a lapped reader resumes at the oldest record and counts the lost ones exactly") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    for (std::uint64_t seq = 1; seq <= 100; ++seq)
        writer.append("t", "1234567", 0, seq);  // 56 bytes

    const std::uint64_t head = ring.header().head.load();
    const record_view* oldest = reader.peek();
    REQUIRE(oldest != nullptr);
    CHECK(reader.position() == head);
    const std::uint64_t first = oldest->ring_seq;
    CHECK(first > 1);
    reader.take();
    CHECK(reader.lapped_records() == first - 1);

    std::uint64_t expected = first + 1;
    while (const record_view* record = reader.peek()) {
        CHECK(record->ring_seq == expected++);
        CHECK(record->body == "1234567");
        reader.take();
    }
    CHECK(expected == 101);
    CHECK(reader.lapped_records() == first - 1);
    // What is left is about a ring's worth of 56-byte records (less padding).
    CHECK(100 - first + 1 >= 17);
    CHECK(100 - first + 1 <= 1024 / 56);
}

TEST_CASE("a record peeked before the writer laps the reader is still whole") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    writer.append("t", "first", 0, 1);
    const record_view* record = reader.peek();
    REQUIRE(record != nullptr);
    for (std::uint64_t seq = 2; seq <= 60; ++seq) writer.append("t", "overwrite", 0, seq);
    CHECK(record->body == "first");  // our own copy
    reader.take();
    CHECK(reader.lapped_records() == 0);
    const record_view* next = reader.peek();
    REQUIRE(next != nullptr);
    CHECK(next->ring_seq > 2);
    reader.take();
    CHECK(reader.lapped_records() == next->ring_seq - 2);
}

TEST_CASE("lapped again and again, gaps always equal the lapped count") {
    test::local_ring ring(2048, 512);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    lap_checker checker{.max_body = 400};
    std::uint64_t seq = 0;
    for (int round = 0; round < 300; ++round) {
        const int burst = 1 + (round * 37) % 40;  // sometimes a few, sometimes several rings
        for (int i = 0; i < burst; ++i) append_numbered(writer, ++seq, 400);
        for (int i = 0; i < (round % 5) + 1; ++i) {
            const record_view* record = reader.peek();
            if (record == nullptr) break;
            checker.check(*record);
            reader.take();
        }
        CHECK(checker.gaps == reader.lapped_records());
    }
    while (const record_view* record = reader.peek()) {
        checker.check(*record);
        reader.take();
    }
    CHECK(checker.torn == 0);
    CHECK(checker.last_ring_seq == seq);
    CHECK(checker.gaps == reader.lapped_records());
    CHECK(checker.records + reader.lapped_records() == seq);
    CHECK(reader.lapped_records() > 0);
}

TEST_CASE("a reader racing a writer thread never returns torn bytes") {
    test::local_ring ring(4096, 1024);
    constexpr std::uint64_t enough_read = 20000;
    constexpr std::uint64_t most_written = 2'000'000;
    constexpr std::size_t max_body = 700;
    std::atomic<bool> reader_ready{false};
    std::atomic<std::uint64_t> read{0};
    std::atomic<std::uint64_t> written{0};
    lap_checker checker{.max_body = max_body};
    std::uint64_t lapped = 0;
    std::uint64_t rejected = 0;
    std::thread reader_thread([&] {
        ring_reader reader(ring.span(), 0);
        reader_ready = true;
        // Until the writer has stopped and the last record it wrote is read.
        while (written == 0 || checker.last_ring_seq < written) {
            const record_view* record = reader.peek();
            if (record == nullptr) continue;
            checker.check(*record);
            reader.take();
            read.store(checker.records, std::memory_order_relaxed);
        }
        lapped = reader.lapped_records();
        rejected = reader.rejected_copies();
    });
    while (!reader_ready) std::this_thread::yield();
    ring_writer writer(ring.span());
    std::uint64_t seq = 0;
    while (seq < most_written &&
           (seq < 100000 || read.load(std::memory_order_relaxed) < enough_read))
        append_numbered(writer, ++seq, max_body);
    written = seq;
    reader_thread.join();
    CHECK(checker.torn == 0);
    CHECK(checker.last_ring_seq == seq);
    CHECK(checker.gaps == lapped);
    CHECK(checker.records + lapped == seq);
    MESSAGE("racing reader: " << seq << " written, " << checker.records << " read, " << lapped
                              << " lapped, " << rejected << " copies rejected as overwritten");
}

TEST_CASE("a reader lapped again and again while it peeks still comes back") {
    // Head and tail move on as fast as a thread can store them, for up to
    // 10 s: most steps of peek() find the reader lapped again. It must give
    // up for now instead of chasing the writer for as long as it writes.
    test::local_ring ring(4096, 1024);
    ring_reader reader(ring.span(), 0);
    std::atomic<bool> stop{false};
    std::atomic<bool> lapping{true};
    std::thread lapper([&] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (std::uint64_t position = 4096; !stop; position += 8) {
            ring.header().tail.store(position + 2048, std::memory_order_release);
            ring.header().head.store(position, std::memory_order_release);
            if (position % 8192 == 0 && std::chrono::steady_clock::now() > deadline) break;
        }
        lapping = false;
    });
    while (ring.header().tail.load() == 0) std::this_thread::yield();  // lapping has begun
    const record_view* record = reader.peek();
    const bool came_back_while_lapped = lapping;
    stop = true;
    lapper.join();
    CHECK(record == nullptr);
    CHECK(came_back_while_lapped);
}

}  // namespace
}  // namespace hookbot::shm_ring
