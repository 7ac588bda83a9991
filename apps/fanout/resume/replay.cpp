#include "resume/replay.hpp"

#include <numeric>
#include <vector>

#include "hookbot/shm_ring/message_id.hpp"

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

bool topic_matches(std::string_view subscribed, bool recursive, std::string_view topic) {
    return recursive ? topic.starts_with(subscribed) : topic == subscribed;
}

// since=latest: resume just before the newest retained message of the
// subscription (a walk of everything retained in its shards), or at the live
// end when there is none.
std::uint64_t before_latest(const shm_ring::bus& source, std::string_view topic, bool recursive,
                            const std::vector<std::uint32_t>& shards) {
    shm_ring::bus_reader all(source, 0, shards);
    std::uint64_t latest = 0;
    std::uint64_t last = 0;
    while (const auto record = all.next()) {
        last = record->bus_seq;
        if (topic_matches(topic, recursive, record->topic)) latest = record->bus_seq;
    }
    return latest == 0 ? last : latest - 1;
}

shm_ring::bus_reader start_reader(const shm_ring::bus& source, std::string_view topic,
                                  bool recursive, const resume_start& start,
                                  std::optional<gap_reason>& gap) {
    const auto shards = shards_of(source, topic, recursive);
    if (start.where == resume_start::from::latest) {
        return shm_ring::bus_reader(source, before_latest(source, topic, recursive, shards),
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
               const resume_start& start)
    : source_(source),
      topic_(std::move(topic)),
      recursive_(recursive),
      kind_(kind),
      gap_(start.gap),
      reader_(start_reader(source, topic_, recursive_, start, gap_)) {}

payload replay::gap_notice(std::string_view since) const {
    if (!gap_ || (kind_ != payload_kind::json && kind_ != payload_kind::event)) return nullptr;
    return make_gap_payload(kind_ == payload_kind::event, gap_object(since, *gap_));
}

bool replay::matches(std::string_view topic) const noexcept {
    return topic_matches(topic_, recursive_, topic);
}

bool replay::fill(subscriber_queue& out, std::size_t max) {
    std::string id;
    for (std::size_t queued = 0; queued < max;) {
        if (!out.has_replay_room()) return true;
        const auto record = reader_.next();
        if (!record) return reader_.has_pending();
        if (!matches(record->topic)) continue;
        if (kind_ == payload_kind::json || kind_ == payload_kind::event) {
            id = shm_ring::format_message_id({source_.epoch(), record->bus_seq});
        }
        out.push(
            make_kind_payload(kind_, read_record(id, record->topic, record->flags, record->body,
                                                 record->commit_us, record->bus_seq)));
        ++queued;
    }
    return true;
}

}  // namespace hookbot::fanout
