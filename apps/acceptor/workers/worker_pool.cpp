#include "workers/worker_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <system_error>

#include "hookbot/posix/log.hpp"
#include "hookbot/posix/process.hpp"

namespace hookbot::acceptor {

worker_pool::worker_pool(net::io_context& ioc, shm_ring::bus& bus,
                         posix::unique_fd control_listener, std::size_t max_queued_per_worker)
    : ioc_(ioc),
      bus_(bus),
      listener_(ioc, control_listener.release()),
      retry_(ioc),
      max_queued_(max_queued_per_worker) {}

void worker_pool::start() {
    do_wait_accept();
}

void worker_pool::stop_accepting() {
    boost::system::error_code ignored;
    retry_.cancel();
    listener_.close(ignored);
}

void worker_pool::do_wait_accept() {
    listener_.async_wait(net::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) { on_acceptable(ec); });
}

void worker_pool::on_acceptable(const boost::system::error_code& ec) {
    if (ec) return;  // operation_aborted: stop_accepting()
    for (;;) {
        const int fd =
            ::accept4(listener_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            auto worker = std::make_shared<worker_connection>(
                ioc_, posix::unique_fd(fd), bus_, max_queued_,
                [this](worker_connection& closed) { remove(closed); }, requests_, description_);
            workers_.push_back(worker);
            worker->on_joined(on_joined_);
            worker->ask_slot_holder([this](std::uint32_t slot) { return holder_of(slot); });
            worker->start();
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        // Out of descriptors or memory: the socket stays readable, so wait a
        // little instead of spinning on it.
        log::error("accept on control socket: ", std::system_category().message(errno),
                   ": retrying in 100 ms");
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](const boost::system::error_code& timer_ec) {
            if (!timer_ec) do_wait_accept();
        });
        return;
    }
    do_wait_accept();
}

void worker_pool::remove(worker_connection& worker) {
    std::erase_if(workers_, [&worker](const auto& w) { return w.get() == &worker; });
}

std::optional<std::int32_t> worker_pool::holder_of(std::uint32_t slot) const {
    for (const auto& worker : workers_) {
        // A holder that died may not have had its connection's end read yet
        // when its successor's hello comes: a dead one holds nothing.
        if (worker->ready() && worker->slot() == slot && !posix::process_is_gone(worker->pid())) {
            return worker->pid();
        }
    }
    return std::nullopt;
}

bool worker_pool::hand_off(const handoff::subscriber& subscriber, int client) {
    const auto now = worker_connection::clock::now();
    loads_.clear();
    for (const auto& worker : workers_) {
        const auto load =
            worker->takes_subscribers() && !worker->full() ? worker->load(now) : unavailable_load;
        // A worker at its --max-subscribers takes no more (hello).
        loads_.push_back(load < worker->max_subscribers() ? load : unavailable_load);
    }
    while (const auto chosen = choice_.choose(loads_)) {
        if (workers_[*chosen]->offer(subscriber, client)) return true;
        loads_[*chosen] = unavailable_load;
    }
    return false;
}

void worker_pool::ring_doorbells() noexcept {
    if (doorbells_due_) return;
    doorbells_due_ = true;
    // Posted, not rung here: the publishes handled in this turn of the event
    // loop (one per ready connection) share one ring per sleeping worker, and
    // the flush still runs before the loop waits for I/O again, so no publish
    // waits on a timer.
    net::post(ioc_, [this] { flush_doorbells(); });
}

void worker_pool::flush_doorbells() noexcept {
    doorbells_due_ = false;
    for (const auto& worker : workers_) worker->ring_doorbell();
}

std::optional<std::uint64_t> worker_pool::slowest_reader() const {
    // A bus that began later (a cluster host's) holds nothing before its
    // first message: a worker that read nothing yet has read all of that,
    // and is not thousands of messages behind.
    const std::uint64_t before_first = bus_.never_held_through();
    std::optional<std::uint64_t> slowest;
    for (const auto& worker : workers_) {
        if (!worker->ready()) continue;
        const shm_ring::worker_slot& slot = bus_.slot(worker->slot());
        if (slot.subscribers.load(std::memory_order_relaxed) == 0) continue;
        const std::uint64_t read =
            std::max(slot.blob_read_bus_seq.load(std::memory_order_acquire), before_first);
        if (!slowest || read < *slowest) slowest = read;
    }
    return slowest;
}

std::size_t worker_pool::ready_workers() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(workers_.begin(), workers_.end(), [](const auto& w) { return w->ready(); }));
}

std::size_t worker_pool::queued_handoffs() const noexcept {
    std::size_t total = 0;
    for (const auto& worker : workers_) total += worker->queued();
    return total;
}

}  // namespace hookbot::acceptor
