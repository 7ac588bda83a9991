#include "bus/bus_tailer.hpp"

#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <memory>
#include <string>

#include "delivery/subscriber.hpp"
#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/message_id.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;

namespace {

int dup_for_asio(int fd) {
    return posix::check(::dup(fd), "dup doorbell eventfd");
}

}  // namespace

bus_tailer::bus_tailer(asio::io_context& ioc, const shm_ring::bus& source,
                       shm_ring::worker_slot& slot, subscriptions& registry)
    : ioc_(ioc),
      source_(source),
      reader_(source),
      doorbell_(slot),
      // Asio closes what it owns; the doorbell keeps its own descriptor.
      bell_(ioc, dup_for_asio(doorbell_.fd())),
      hold_timer_(ioc),
      slot_(slot),
      registry_(registry),
      // A restarted worker's reader starts from zero; the slot's count goes on.
      lapped_before_(slot.lapped.load(std::memory_order_relaxed)) {
    // Blobs committed before this reader started are not ours to wait for.
    slot_.blob_read_bus_seq.store(reader_.last_bus_seq(), std::memory_order_release);
    registry_.delivered_through(reader_.last_bus_seq());
    registry_.backlog().on_caught_up([this] {
        if (held_) end_hold();
    });
}

bus_tailer::~bus_tailer() {
    registry_.backlog().on_caught_up(nullptr);
}

void bus_tailer::start() {
    stopped_ = false;
    schedule();
}

void bus_tailer::stop() {
    stopped_ = true;
    if (held_) {
        held_ = false;
        scheduled_ = false;
        hold_timer_.cancel();
    }
    boost::system::error_code ignored;
    bell_.cancel(ignored);
}

void bus_tailer::drain_committed() {
    registry_.announce_joining();
    if (registry_.size() == 0) return skip_to_live_end();
    while (deliver_next()) {
    }
}

void bus_tailer::skip_to_live_end() {
    reader_ = shm_ring::bus_reader(source_);
    // The new reader counts from zero; the slot's count goes on.
    lapped_before_ = slot_.lapped.load(std::memory_order_relaxed);
    lapped_seen_ = 0;
    lapped_unowned_ = 0;
    slot_.blob_read_bus_seq.store(reader_.last_bus_seq(), std::memory_order_release);
    registry_.delivered_through(reader_.last_bus_seq());
}

void bus_tailer::schedule() {
    if (scheduled_ || stopped_) return;
    scheduled_ = true;
    asio::post(ioc_, [this] { on_turn(); });
}

void bus_tailer::on_turn() {
    scheduled_ = false;
    if (stopped_) return;
    const backlog_tracker& backlog = registry_.backlog();
    std::size_t delivered = 0;
    while (delivered < batch) {
        // Checked per record: one record can put every queue over the mark.
        if (backlog.holding()) return hold();
        if (!deliver_next()) break;
        ++delivered;
    }
    if (delivered == batch || reader_.has_pending()) return schedule();
    // Reset the counter before announcing sleep: Asio waits for the next edge
    // of the eventfd, and a ring left over from before would never make one.
    doorbell_.consume();
    if (!doorbell_.prepare_to_sleep(reader_)) return schedule();
    scheduled_ = true;
    bell_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [this](const boost::system::error_code& ec) { on_doorbell(ec); });
}

void bus_tailer::hold() {
    held_ = true;
    scheduled_ = true;
    hold_timer_.expires_at(registry_.backlog().hold_ends());
    hold_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && held_) end_hold();
    });
}

void bus_tailer::end_hold() {
    // The next turn holds again if another queue still holds the worker.
    held_ = false;
    hold_timer_.cancel();
    scheduled_ = false;
    schedule();
}

void bus_tailer::on_doorbell(const boost::system::error_code& ec) {
    scheduled_ = false;
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec && !doorbell_failed_) {
        doorbell_failed_ = true;  // once: the retry below may fail the same way
        log::error("waiting on the doorbell eventfd failed: ", ec.message(),
                   "; polling the bus instead");
    }
    doorbell_.consume();
    schedule();
}

bool bus_tailer::deliver_next() {
    const std::optional<shm_ring::record_view> record = reader_.next();
    count_lapped();
    // A large body's blob is mapped now and is copied into the payloads
    // below: the writer may unlink its name already.
    slot_.blob_read_bus_seq.store(reader_.last_bus_seq(), std::memory_order_release);
    registry_.delivered_through(reader_.last_bus_seq());
    if (!record) return false;
    registry_.find(record->topic, matches_);
    // Built once per record and kind, straight from the record (or its blob)
    // into what every subscriber of that kind is sent.
    std::array<payload, payload_kind_count> built;
    std::string id;  // only for the kinds that carry it
    std::uint64_t queued = 0;
    std::uint64_t dropped = 0;
    std::uint64_t overflowed = 0;
    for (const topic_index::match& m : matches_) {
        payload_kind kind = m.target->kind();
        if (kind == payload_kind::bare && m.recursive) kind = payload_kind::recursive;
        payload& message = built[static_cast<std::size_t>(kind)];
        if (!message) {
            if (id.empty() && (kind == payload_kind::json || kind == payload_kind::event)) {
                id = shm_ring::format_message_id({source_.epoch(), record->bus_seq});
            }
            message =
                make_kind_payload(kind, read_record(id, record->topic, record->flags, record->body,
                                                    record->commit_us, record->bus_seq));
        }
        switch (m.target->deliver(message)) {
            case push_result::queued:
                ++queued;
                break;
            case push_result::dropped:
                ++dropped;
                break;
            case push_result::overflow:
                ++overflowed;
                registry_.count_slow_close();
                break;
            case push_result::already_sent:
                break;
        }
    }
    registry_.count_delivered(queued);
    registry_.count_dropped(dropped, shm_ring::drop_cause::queue_full);
    registry_.count_dropped(overflowed, shm_ring::drop_cause::slow_subscriber);
    return true;
}

void bus_tailer::count_lapped() noexcept {
    // Records lost: lapped, or their blob gone before this worker read it.
    const std::uint64_t lapped = reader_.lapped_records() + reader_.lost_blobs();
    if (lapped == lapped_seen_) return;
    // A worker without subscribers is not woken (shm_ring::ring_if_serving)
    // and is lapped as a matter of course: what it lost had nobody to go to.
    if (registry_.size() == 0) {
        lapped_unowned_ += lapped - lapped_seen_;
        lapped_seen_ = lapped;
        return;
    }
    lapped_seen_ = lapped;
    slot_.lapped.store(lapped_before_ + lapped - lapped_unowned_, std::memory_order_relaxed);
    slot_.counters.lapped_events.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace hookbot::fanout
