#include "publish/bus_room.hpp"

#include <bit>
#include <utility>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::acceptor {

bus_room::bus_room(net::io_context& ioc, positions where, const settings& config,
                   shm_ring::acceptor_counters& counters)
    : poll_(ioc), where_(std::move(where)), config_(config), counters_(counters) {
    const std::uint64_t size = std::bit_ceil(config_.window_records + 1);
    total_bytes_at_ = std::make_unique<std::uint64_t[]>(size);
    mask_ = size - 1;
    recorded_seq_ = where_.written();
}

void bus_room::admit(bus_room* room, std::size_t topic_bytes, std::size_t body_bytes,
                     std::function<void()> commit) {
    if (room == nullptr || room->config_.max_wait.count() == 0) return commit();
    const bool in_blob = body_bytes > room->config_.max_inline_body_bytes;
    const std::uint64_t record_bytes = shm_ring::layout::record_bytes(
        topic_bytes, in_blob ? sizeof(shm_ring::layout::blob_reference) : body_bytes);
    if (room->waiters_.empty() && room->has_room(record_bytes)) {
        return room->commit(commit, record_bytes);
    }
    room->enqueue(record_bytes, std::move(commit));
}

void bus_room::enqueue(std::uint64_t record_bytes, std::function<void()> commit) {
    counters_.publish_waits.fetch_add(1, std::memory_order_relaxed);
    waiters_.push_back({std::move(commit), record_bytes, clock::now()});
    arm();
}

bool bus_room::has_room(std::uint64_t record_bytes) const {
    const std::optional<std::uint64_t> slowest = where_.slowest_read();
    if (!slowest) return true;
    const std::uint64_t written = where_.written();
    if (*slowest >= written) return true;
    if (written - *slowest >= config_.window_records) return false;
    const std::uint64_t ahead_bytes =
        total_bytes_at_[written & mask_] - total_bytes_at_[*slowest & mask_];
    return ahead_bytes + record_bytes <= config_.window_bytes;
}

void bus_room::commit(const std::function<void()>& commit, std::uint64_t record_bytes) {
    commit();
    // One publish may commit two records (a routed GitHub event) or none (an
    // error answer): what it added is counted at the newest.
    const std::uint64_t written = where_.written();
    if (written == recorded_seq_) return;
    total_bytes_ += record_bytes;
    if (written - recorded_seq_ > mask_) recorded_seq_ = written - mask_ - 1;
    while (recorded_seq_ < written) total_bytes_at_[++recorded_seq_ & mask_] = total_bytes_;
}

void bus_room::arm() {
    if (armed_) return;
    armed_ = true;
    poll_.expires_after(config_.poll);
    poll_.async_wait([this](const boost::system::error_code& ec) {
        armed_ = false;
        if (!ec) on_poll();
    });
}

void bus_room::on_poll() {
    const auto now = clock::now();
    while (!waiters_.empty()) {
        waiter& first = waiters_.front();
        const bool overdue = now - first.since >= config_.max_wait;
        if (!overdue && !has_room(first.record_bytes)) break;
        const waiter released = std::move(first);
        waiters_.pop_front();
        counters_.publish_wait_us.fetch_add(
            static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(now - released.since)
                    .count()),
            std::memory_order_relaxed);
        if (overdue) counters_.publish_wait_timeouts.fetch_add(1, std::memory_order_relaxed);
        commit(released.commit, released.record_bytes);
    }
    if (!waiters_.empty()) arm();
}

}  // namespace hookbot::acceptor
