#include "publish/bus_room.hpp"

#include <bit>
#include <utility>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::acceptor {

bus_room::bus_room(net::io_context& ioc, positions where, const settings& config,
                   shm_ring::acceptor_counters& counters)
    : poll_(ioc), where_(std::move(where)), config_(config), counters_(counters) {
    const std::uint64_t size = std::bit_ceil(config_.window_records + 1);
    seq_at_ = std::make_unique<std::uint64_t[]>(size);
    total_bytes_at_ = std::make_unique<std::uint64_t[]>(size);
    mask_ = size - 1;
    seq_at_[0] = where_.written();
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
    if (*slowest >= where_.written()) return true;
    const std::uint64_t ahead = commits_after(*slowest);
    if (ahead >= config_.window_records) return false;
    const std::uint64_t ahead_bytes = total_bytes_ - total_bytes_at_[(commits_ - ahead) & mask_];
    return ahead_bytes + record_bytes <= config_.window_bytes;
}

// A binary search of the remembered commits, whose bus_seqs increase. One
// before all of them is more than a window behind.
std::uint64_t bus_room::commits_after(std::uint64_t bus_seq) const noexcept {
    const std::uint64_t remembered = std::min(commits_, mask_);
    if (seq_at_[(commits_ - remembered) & mask_] > bus_seq) return mask_ + 1;
    std::uint64_t low = 0;            // seq_at_[commits_ - remembered + low] <= bus_seq
    std::uint64_t high = remembered;  // the first past it is at or before this
    while (low < high) {
        const std::uint64_t middle = low + (high - low + 1) / 2;
        if (seq_at_[(commits_ - remembered + middle) & mask_] <= bus_seq) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    return remembered - low;
}

void bus_room::commit(const std::function<void()>& commit, std::uint64_t record_bytes) {
    commit();
    // An error answer commits nothing.
    const std::uint64_t written = where_.written();
    if (written == seq_at_[commits_ & mask_]) return;
    total_bytes_ += record_bytes;
    ++commits_;
    seq_at_[commits_ & mask_] = written;
    total_bytes_at_[commits_ & mask_] = total_bytes_;
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
