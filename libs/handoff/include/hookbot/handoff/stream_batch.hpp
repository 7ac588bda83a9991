#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The messages of a stream_messages answer (message.hpp), in the sealed
// memfd attached to it: one after another, in stream order.
//
//   u64 seq | u64 unix_us | u32 flags | u32 topic_len | u32 body_len | topic | body
//
// Host byte order: both ends run on one host.
namespace hookbot::handoff {

struct batch_message {
    std::uint64_t seq = 0;      // its stream sequence: its id's, on every host
    std::uint64_t unix_us = 0;  // when the stream stored it
    std::uint32_t flags = 0;    // the bus record's flags (shm_ring/layout.hpp)
    std::string_view topic;
    std::string_view body;
};

void append_to_batch(std::string& batch, const batch_message& message);

// Walks a batch. The views point into the batch's bytes.
class batch_reader {
  public:
    explicit batch_reader(std::string_view batch) noexcept : rest_(batch) {}

    // The next message; nullopt at the end, or where the bytes are not a
    // message (then malformed()). Sequences must ascend.
    std::optional<batch_message> next() noexcept;
    [[nodiscard]] bool malformed() const noexcept { return malformed_; }

  private:
    std::string_view rest_;
    std::uint64_t last_seq_ = 0;
    bool malformed_ = false;
};

}  // namespace hookbot::handoff
