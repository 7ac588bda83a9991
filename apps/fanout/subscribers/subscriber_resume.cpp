// A subscriber that resumes: the gap notice, the replay, the seam to the
// live messages (docs/ARCHITECTURE.md, "Resume").
#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "hookbot/posix/log_throttle.hpp"
#include "hookbot/shm_ring/counters.hpp"
#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace {

// Messages one flush takes from a replay. Replays flush in the background
// (flush_queue::schedule_background): a live subscriber waits for at most one
// such flush, so it is kept short.
constexpr std::size_t replay_batch = 16;

log::throttle resume_warnings(20, "resume warnings");

// The newest id of the bus's epoch a resume may name: what the bus tailer
// handed out, or on a cluster host's bus that began later, the stream's
// sequences before it.
std::uint64_t newest_id(const subscriptions& registry, const shm_ring::bus& source) {
    return std::max(registry.delivered_through(), source.never_held_through());
}

}  // namespace

void websocket_subscriber::start_replay(const std::string& topic, bool recursive,
                                        std::string_view since) {
    const shm_ring::bus* source = registry_.source();
    if (source == nullptr) return;
    const std::uint64_t newest = newest_id(registry_, *source);
    auto start = parse_since(since, source->epoch(), newest);
    if (!start) return;
    if (const auto age = registry_.retention_age(); age.count() > 0) {
        const auto age_us = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(age).count());
        const std::uint64_t now_us = shm_ring::unix_time_us();
        start->not_before_unix_us = now_us > age_us ? now_us - age_us : 0;
    }
    // As the bus tailer frames it: the original format is recursive's
    // "topic NUL body" on a recursive subscription.
    const payload_kind replayed =
        kind() == payload_kind::bare && recursive ? payload_kind::recursive : kind();
    resume_plan plan{topic, recursive, replayed, *start, std::string(since)};
    if (!begin_replay(plan, {})) return;
    stream_fetcher* stream = registry_.stream();
    if (stream == nullptr || !replay_->missed_start()) return replay_from_start();
    // A cluster's stream holds far more than the bus: what the bus lost
    // comes from there, then the bus from where the stream's part ends.
    replay_.reset();
    awaiting_stream_ = true;
    handoff::stream_fetch request{0, topic, recursive, start->after_bus_seq, newest};
    stream->fetch(std::move(request),
                  [weak = weak_from_this(), plan = std::move(plan)](stream_batch earlier) {
                      const auto self = weak.lock();
                      if (!self || !std::exchange(self->awaiting_stream_, false))
                          return;  // closed meanwhile
                      if (!self->begin_replay(plan, std::move(earlier))) return;
                      self->replay_from_start();
                      self->request_write();
                  });
}

bool websocket_subscriber::begin_replay(const resume_plan& plan, stream_batch earlier) {
    try {
        replay_ = std::make_unique<replay>(*registry_.source(), plan.topic, plan.recursive,
                                           plan.kind, plan.start, plan.since, std::move(earlier));
    } catch (const std::exception& e) {
        resume_warnings.warning("subscriber ", name_, ": cannot resume from \"", plan.since, "\" (",
                                e.what(), "); live messages only");
        return false;
    }
    return true;
}

void websocket_subscriber::replay_from_start() {
    if (const payload notice = replay_->gap_notice()) queue_.push(notice);
    continue_replay();
}

void websocket_subscriber::continue_replay() {
    if (replay_->fill(queue_, replay_batch)) return;
    // Caught up: what the bus tailer hands out from now on and the replay
    // has not read is this subscriber's, in order, and nothing twice.
    live_from_bus_seq_ = replay_->last_bus_seq() + 1;
    if (const std::uint64_t lost = replay_->lost(); lost != 0) {
        resume_warnings.warning("subscriber ", name_, ": ", lost,
                                " messages were overwritten before its resume reached them");
    }
    replay_.reset();
}

}  // namespace hookbot::fanout
