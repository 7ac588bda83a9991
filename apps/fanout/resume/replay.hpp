#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "delivery/payload.hpp"
#include "delivery/subscriber_queue.hpp"
#include "hookbot/handoff/stream_batch.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "resume/resume_start.hpp"
#include "resume/stream_fetcher.hpp"

namespace hookbot::fanout {

// One subscriber's way from its resume point to the live messages
// (docs/ARCHITECTURE.md, "Resume"). It reads the subscription's shards of
// the bus with a reader of its own, from the resume point on, and queues
// the messages of the subscription a few at a time, as the subscriber's
// queue has room: a resume costs the messages since its point, paced by its
// own connection, and never holds the bus tailer for the other subscribers.
// Live messages meanwhile are the replay's to send (the subscriber answers
// them already_sent): it reads on until it has caught up with the bus, and
// from then on the subscriber takes live messages past last_bus_seq().
//
// In a cluster, what the bus no longer held may come from the stream first
// (`earlier`: stream_fetcher.hpp); the bus is then read after it.
class replay {
  public:
    // Throws std::runtime_error when the bus cannot be walked (a writer that
    // keeps lapping the walk).
    // `since`: the start as the subscriber sent it, named by gap notices.
    replay(const shm_ring::bus& source, std::string topic, bool recursive, payload_kind kind,
           const resume_start& start, std::string since, stream_batch earlier = {});

    // The gap notice to send before anything else, if the start has one.
    [[nodiscard]] payload gap_notice() const;
    // The bus had already overwritten messages after the start (and nothing
    // came from the stream for them): gap_notice() says so. In a cluster the
    // stream may still hold them.
    [[nodiscard]] bool missed_start() const noexcept { return missed_start_; }

    // Queues up to `max` more messages into `out` while it has replay room
    // (subscriber_queue::has_replay_room: a replay never makes it behind).
    // Where messages were lost on the way (the writer lapped the replay, or
    // released a large body first), a gap notice naming the last id queued
    // comes in their place. False once the replay has caught up: nothing
    // committed is left to read.
    bool fill(subscriber_queue& out, std::size_t max);

    // The last bus_seq read: live messages up to it were replayed (or were
    // not the subscription's).
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept { return reader_.last_bus_seq(); }
    // Messages overwritten before the replay reached them.
    [[nodiscard]] std::uint64_t lost() const noexcept {
        return reader_.lapped_records() + reader_.lost_blobs();
    }

  private:
    [[nodiscard]] bool matches(std::string_view topic) const noexcept;
    // Only JSON and event streams have room for one (docs/PROTOCOL.md).
    [[nodiscard]] payload gap_payload(std::string_view since, gap_reason reason) const;
    // The `expired` notice, once, where messages of the subscription were
    // skipped as older than --retention-age.
    void announce_expired(subscriber_queue& out);
    // Takes the next message of what the stream gave (ending it, with the
    // notice for what the bus lost after it, when none is left). True when it
    // queued one: it was the subscription's.
    bool fill_from_stream(subscriber_queue& out);
    // Whether a message of the subscription at `unix_us` is replayed; counts
    // it as expired when not.
    bool fresh_enough(std::uint64_t unix_us);
    void queue_message(subscriber_queue& out, std::uint64_t bus_seq, std::string_view topic,
                       std::uint32_t flags, std::string_view body, std::uint32_t commit_us);

    const shm_ring::bus& source_;
    std::string topic_;
    bool recursive_;
    payload_kind kind_;
    std::optional<gap_reason> gap_;
    std::uint64_t not_before_unix_us_;
    bool announce_expiry_;
    bool expired_ = false;  // skipped some since the last notice
    std::string last_id_;   // the last id queued, at first the start as sent
    // What the stream gave, read before the bus; then the notice for what
    // the bus lost after it, if it did.
    stream_batch earlier_;
    std::optional<handoff::batch_reader> earlier_messages_;
    std::optional<gap_reason> gap_after_earlier_;
    bool missed_start_ = false;
    shm_ring::bus_reader reader_;
};

}  // namespace hookbot::fanout
