// libFuzzer target: a ring reader over arbitrary ring bytes. The bus lives in
// shared memory that a crashed or buggy writer may leave in any state; a
// fanout worker reading it must never crash, read out of bounds or spin
// forever, only return validated records or nothing.
//
// Input: 24 bytes of positions (head, tail_intent, tail) the reader starts
// with, 24 bytes of positions it continues with, then the data area (the rest,
// repeated to fill it). The ring is small so that the fuzzer reaches its end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>

#include "hookbot/shm_ring/layout.hpp"
#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_span.hpp"

namespace {

using namespace hookbot::shm_ring;

constexpr std::uint64_t capacity = 1024;
constexpr std::uint64_t max_record_bytes = capacity / layout::records_per_ring_min;
// More peeks than the ring can hold records: a reader that never stops
// returning records over a fixed ring is a bug.
constexpr int max_peeks = 4 * capacity / layout::record_alignment;

struct positions {
    std::uint64_t head, tail_intent, tail;
};

positions take_positions(const std::uint8_t*& data, std::size_t& size) {
    positions p{};
    std::uint64_t values[3]{};
    const std::size_t bytes = std::min(size, sizeof values);
    std::memcpy(values, data, bytes);
    data += bytes;
    size -= bytes;
    // Mostly near each other, as a live ring's are; sometimes far apart.
    p.tail = values[2];
    p.head = (values[0] >> 63) != 0 ? values[0] : p.tail - (values[0] % (2 * capacity));
    p.tail_intent = (values[1] >> 63) != 0 ? values[1] : p.tail + (values[1] % (2 * capacity));
    return p;
}

void store(layout::ring_header& header, const positions& p) {
    header.head.store(p.head, std::memory_order_relaxed);
    header.tail_intent.store(p.tail_intent, std::memory_order_relaxed);
    header.tail.store(p.tail, std::memory_order_relaxed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const positions at_start = take_positions(data, size);
    const positions later = take_positions(data, size);

    auto header = std::make_unique<layout::ring_header>();
    // The data area on its own allocation, so ASan sees any access past it.
    auto ring_data = std::make_unique<std::byte[]>(capacity);
    for (std::uint64_t i = 0; size != 0 && i < capacity; ++i) {
        ring_data[i] = static_cast<std::byte>(data[i % size]);
    }
    const const_ring_span ring(header.get(), ring_data.get(), capacity, max_record_bytes);

    store(*header, at_start);
    std::unique_ptr<ring_reader> reader;
    try {
        reader = std::make_unique<ring_reader>(ring, 0);
    } catch (const std::exception&) {
        return 0;  // a ring it cannot walk is reported, not read
    }
    store(*header, later);
    for (int peeks = 0;; ++peeks) {
        const record_view* record = reader->peek();
        if (record == nullptr) break;
        if (peeks == max_peeks) std::abort();
        if (record->topic.size() + record->body.size() + sizeof(layout::record_header) >
            max_record_bytes) {
            std::abort();
        }
        // Touch every byte handed out: ASan checks they are the reader's own.
        volatile std::size_t sum = 0;
        for (const char c : record->topic) sum = sum + static_cast<unsigned char>(c);
        for (const char c : record->body) sum = sum + static_cast<unsigned char>(c);
        reader->take();
    }
    (void)reader->has_pending();
    return 0;
}
