#include "resume/replay.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <vector>

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
                                  bool recursive, const resume_start& start,
                                  std::optional<gap_reason>& gap) {
    const auto shards = shards_of(source, topic, recursive);
    if (start.where == resume_start::from::latest) {
        return shm_ring::bus_reader(
            source, before_latest(source, topic, recursive, start.not_before_unix_us, shards),
            shards);
    }
    shm_ring::bus_reader reader(source, start.after_bus_seq, shards);
    // "all" (0, no gap named) asked for what is retained, whatever came before.
    if (!gap && start.after_bus_seq != 0 && reader.started_after_loss()) {
        gap = gap_reason::overwritten;
    }
    return reader;
}

}  // namespace

replay::replay(const shm_ring::bus& source, std::string topic, bool recursive, payload_kind kind,
               const resume_start& start, std::string since)
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
      reader_(start_reader(source, topic_, recursive_, start, gap_)) {}

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

bool replay::fill(subscriber_queue& out, std::size_t max) {
    for (std::size_t queued = 0; queued < max;) {
        if (!out.has_replay_room()) return true;
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
        if (!matches(record->topic)) continue;
        if (record->unix_us < not_before_unix_us_) {
            expired_ = announce_expiry_;
            continue;
        }
        announce_expired(out);
        // Only the envelopes name the id, and notices the last one queued.
        std::string_view id;
        if (kind_ == payload_kind::json || kind_ == payload_kind::event) {
            last_id_ = shm_ring::format_message_id({source_.epoch(), record->bus_seq});
            id = last_id_;
        }
        out.push(
            make_kind_payload(kind_, read_record(id, record->topic, record->flags, record->body,
                                                 record->commit_us, record->bus_seq)));
        ++queued;
    }
    return true;
}

}  // namespace hookbot::fanout
