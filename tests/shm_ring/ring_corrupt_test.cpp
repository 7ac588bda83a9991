// Rings no writer could have left: positions a crashed or buggy process
// scribbled. A reader must report nothing, never read outside the data area
// nor loop without end. (fuzz/ring_reader_fuzzer found these.)
#include <doctest/doctest.h>

#include <stdexcept>

#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

void store_positions(test::local_ring& ring, std::uint64_t head, std::uint64_t tail) {
    ring.header().head.store(head);
    ring.header().tail_intent.store(tail);
    ring.header().tail.store(tail);
}

TEST_CASE("a reader never starts at a position that is not 8-aligned") {
    test::local_ring ring(1024, 256);
    // 4 bytes before the end of the data area: a header read there would
    // run 4 bytes past it.
    store_positions(ring, 1020, 1020 + 64);
    CHECK_THROWS_AS(ring_reader(ring.span(), 0), std::runtime_error);

    store_positions(ring, 0, 0);
    ring_reader reader(ring.span(), 0);
    store_positions(ring, 1020, 1020 + 64);
    CHECK(reader.peek() == nullptr);
}

TEST_CASE("head and tail more than a ring apart are refused, not walked round and round") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    for (std::uint64_t seq = 1; seq <= 40; ++seq) writer.append("t", "a body", 0, seq);
    const std::uint64_t tail = writer.tail();

    store_positions(ring, 0, tail + (std::uint64_t{1} << 40));
    CHECK_THROWS_AS(ring_reader(ring.span(), 0), std::runtime_error);

    store_positions(ring, tail, tail);
    ring_reader reader(ring.span(), 0);
    store_positions(ring, tail, tail + (std::uint64_t{1} << 40));  // head not past the reader
    CHECK(reader.peek() == nullptr);
}

}  // namespace
}  // namespace hookbot::shm_ring
