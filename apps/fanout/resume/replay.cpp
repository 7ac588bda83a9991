#include "resume/replay.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "hookbot/shm_ring/counters.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "topics/topic_index.hpp"

namespace hookbot::fanout {
namespace {

// The shards a subscription's messages are in: an exact topic's one, or all.
std::vector<std::uint32_t> shards_of(const shm_ring::bus& source, std::string_view topic,
                                     bool recursive) {
    if (!recursive) return {source.shard_of(topic)};
    std::vector<std::uint32_t> all(source.shard_count());
    std::iota(all.begin(), all.end(), 0u);
    return all;
}

// The newest retained message of the subscription in `shard` if it is past
// `floor` (else 0), searched from the end one resume-index piece at a time:
// a dashboard that connects with since=latest reads the shard's newest
// pieces, not everything retained. `newest` becomes the largest bus_seq seen.
std::uint64_t latest_in_shard(const shm_ring::bus& source, std::string_view topic, bool recursive,
                              std::uint64_t not_before_unix_us, std::uint32_t shard,
                              std::uint64_t floor, std::uint64_t& newest) {
    const std::vector<std::uint64_t> starts = source.index_bus_seqs(shard);
    const std::array<std::uint32_t, 1> only{shard};
    std::uint64_t end = std::numeric_limits<std::uint64_t>::max();  // the piece's end, exclusive
    for (auto start = starts.rbegin(); start != starts.rend() && end - 1 > floor; end = *start++) {
        shm_ring::bus_reader piece(source, *start - 1, only);
        std::uint64_t latest = 0;
        while (const auto record = piece.next()) {
            if (record->bus_seq >= end) break;
            newest = std::max(newest, record->bus_seq);
            if (topic_index::matches(topic, recursive, record->topic) &&
                record->unix_us >= not_before_unix_us)
                latest = record->bus_seq;
        }
        if (latest != 0) return latest;
    }
    return 0;
}

// since=latest: resume just before the newest retained message of the
// subscription, or at the live end when there is none (then every shard was
// read whole, and `newest` is its end).
std::uint64_t before_latest(const shm_ring::bus& source, std::string_view topic, bool recursive,
                            std::uint64_t not_before_unix_us,
                            const std::vector<std::uint32_t>& shards) {
    std::uint64_t latest = 0;
    std::uint64_t newest = 0;
    for (const std::uint32_t shard : shards) {
        latest = std::max(latest, latest_in_shard(source, topic, recursive, not_before_unix_us,
                                                  shard, latest, newest));
    }
    return latest == 0 ? newest : latest - 1;
}

shm_ring::bus_reader start_reader(const shm_ring::bus& source, std::string_view topic,
                                  bool recursive, const resume_start& start, bool& missed_start) {
    const auto shards = shards_of(source, topic, recursive);
    if (start.where == resume_start::from::latest) {
        return shm_ring::bus_reader(
            source, before_latest(source, topic, recursive, start.not_before_unix_us, shards),
            shards);
    }
    shm_ring::bus_reader reader(source, start.after_bus_seq, shards);
    // "all" (0, no gap named) asked for what is retained, whatever came before.
    // Missed: overwritten since, or never on this bus (a cluster host's bus
    // starts where the stream was when the host joined).
    missed_start =
        !start.gap && start.after_bus_seq != 0 &&
        (reader.started_after_loss() || start.after_bus_seq < source.never_held_through());
    return reader;
}

// Where the bus's part of a replay starts: after what the stream gave.
resume_start bus_start(const resume_start& start, const stream_batch& earlier) {
    resume_start from = start;
    if (earlier.read_any()) from.after_bus_seq = earlier.read_through;
    return from;
}

// A stream message's time on the clock of the bus's commit_us (for the
// publish-to-write histogram, as a replayed bus record counts).
std::uint32_t commit_us_of(std::uint64_t unix_us) {
    const std::uint64_t now = shm_ring::unix_time_us();
    return shm_ring::monotonic_us32() -
           static_cast<std::uint32_t>(now > unix_us ? now - unix_us : 0);
}

}  // namespace

replay::replay(const shm_ring::bus& source, std::string topic, bool recursive, payload_kind kind,
               const resume_start& start, std::string since, stream_batch earlier)
    : source_(source),
      topic_(std::move(topic)),
      recursive_(recursive),
      kind_(kind),
      gap_(start.gap),
      not_before_unix_us_(start.not_before_unix_us),
      // Only a resume from an id missed what expired: "all" and "latest" ask
      // for what is retained, and a start with a notice already has one.
      announce_expiry_(start.where == resume_start::from::after && start.after_bus_seq != 0 &&
                       !start.gap),
      last_id_(std::move(since)),
      earlier_(std::move(earlier)),
      reader_(start_reader(source, topic_, recursive_, bus_start(start, earlier_), missed_start_)) {
    if (!earlier_.read_any()) {
        // Conservative, as the bus's notices: the lost ones may have been
        // other topics' (a ring does not say which it overwrote).
        if (missed_start_) gap_ = gap_reason::overwritten;
        return;
    }
    // The stream had dropped some already (its --cluster-max-age or -max-bytes).
    if (!gap_ && earlier_.read_from > start.after_bus_seq + 1) gap_ = gap_reason::overwritten;
    // The bus overwrote some after what the stream gave, meanwhile.
    if (std::exchange(missed_start_, false)) gap_after_earlier_ = gap_reason::overwritten;
    earlier_messages_.emplace(earlier_.messages ? earlier_.messages->bytes() : std::string_view{});
}

payload replay::gap_notice() const {
    return gap_ ? gap_payload(last_id_, *gap_) : nullptr;
}

payload replay::gap_payload(std::string_view since, gap_reason reason) const {
    if (kind_ != payload_kind::json && kind_ != payload_kind::event) return nullptr;
    return make_gap_payload(kind_ == payload_kind::event, gap_object(since, reason));
}

void replay::announce_expired(subscriber_queue& out) {
    if (!expired_) return;
    expired_ = false;
    announce_expiry_ = false;
    if (const payload notice = gap_payload(last_id_, gap_reason::expired)) out.push(notice);
}

bool replay::matches(std::string_view topic) const noexcept {
    return topic_index::matches(topic_, recursive_, topic);
}

bool replay::fresh_enough(std::uint64_t unix_us) {
    if (unix_us >= not_before_unix_us_) return true;
    expired_ = announce_expiry_;
    return false;
}

void replay::queue_message(subscriber_queue& out, std::uint64_t bus_seq, std::string_view topic,
                           std::uint32_t flags, std::string_view body, std::uint32_t commit_us) {
    announce_expired(out);
    // Only the envelopes name the id, and notices the last one queued.
    std::string_view id;
    if (kind_ == payload_kind::json || kind_ == payload_kind::event) {
        last_id_ = shm_ring::format_message_id({source_.epoch(), bus_seq});
        id = last_id_;
    }
    out.push(make_kind_payload(kind_, read_record(id, topic, flags, body, commit_us, bus_seq)));
}

bool replay::fill_from_stream(subscriber_queue& out) {
    const auto message = earlier_messages_->next();
    if (!message) {
        if (earlier_messages_->malformed()) gap_after_earlier_ = gap_reason::overwritten;
        earlier_messages_.reset();
        earlier_.messages.reset();  // unmapped: the bus has the rest
        if (gap_after_earlier_) {
            if (const payload notice = gap_payload(last_id_, *gap_after_earlier_)) out.push(notice);
        }
        return false;
    }
    if (!matches(message->topic) || !fresh_enough(message->unix_us)) return false;
    queue_message(out, message->seq, message->topic, message->flags, message->body,
                  commit_us_of(message->unix_us));
    return true;
}

bool replay::fill(subscriber_queue& out, std::size_t max) {
    for (std::size_t queued = 0; queued < max;) {
        if (!out.has_replay_room()) return true;
        if (earlier_messages_) {
            if (fill_from_stream(out)) ++queued;
            continue;
        }
        const std::uint64_t lapped = reader_.lapped_records();
        const std::uint64_t released = reader_.lost_blobs();
        const auto record = reader_.next();
        // Conservative, as the start's notice: the lost ones may have been
        // other topics' (a ring does not say which it overwrote).
        const bool lost_some = reader_.lapped_records() != lapped;
        if (lost_some || reader_.lost_blobs() != released) {
            const auto reason = lost_some ? gap_reason::overwritten : gap_reason::released;
            if (const payload notice = gap_payload(last_id_, reason)) out.push(notice);
        }
        if (!record) {
            announce_expired(out);
            return reader_.has_pending();
        }
        if (!matches(record->topic) || !fresh_enough(record->unix_us)) continue;
        queue_message(out, record->bus_seq, record->topic, record->flags, record->body,
                      record->commit_us);
        ++queued;
    }
    return true;
}

}  // namespace hookbot::fanout
