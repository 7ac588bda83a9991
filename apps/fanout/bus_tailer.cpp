#include "bus_tailer.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <memory>
#include <string>

#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"
#include "subscriber.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;

namespace {

int dup_for_asio(int fd) { return posix::check(::dup(fd), "dup doorbell eventfd"); }

payload make_framed(std::string_view topic, std::string_view body) {
    std::string framed;
    framed.reserve(topic.size() + 1 + body.size());
    framed.append(topic).push_back('\0');
    framed.append(body);
    return std::make_shared<const std::string>(std::move(framed));
}

}  // namespace

bus_tailer::bus_tailer(asio::io_context& ioc, const shm_ring::bus& source,
                       shm_ring::worker_slot& slot, subscriptions& registry)
    : ioc_(ioc),
      reader_(source),
      doorbell_(slot),
      // Asio closes what it owns; the doorbell keeps its own descriptor.
      bell_(ioc, dup_for_asio(doorbell_.fd())),
      slot_(slot),
      registry_(registry) {
    // Blobs committed before this reader started are not ours to wait for.
    slot_.blob_read_bus_seq.store(reader_.last_bus_seq(), std::memory_order_release);
}

void bus_tailer::start() {
    stopped_ = false;
    schedule();
}

void bus_tailer::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    bell_.cancel(ignored);
}

void bus_tailer::drain_committed() {
    while (deliver_next()) {
    }
}

void bus_tailer::schedule() {
    if (scheduled_ || stopped_) return;
    scheduled_ = true;
    asio::post(ioc_, [this] { on_turn(); });
}

void bus_tailer::on_turn() {
    scheduled_ = false;
    if (stopped_) return;
    std::size_t delivered = 0;
    while (delivered < batch && deliver_next()) ++delivered;
    if (delivered == batch || reader_.has_pending()) return schedule();
    // Reset the counter before announcing sleep: Asio waits for the next edge
    // of the eventfd, and a ring left over from before would never make one.
    doorbell_.consume();
    if (!doorbell_.prepare_to_sleep(reader_)) return schedule();
    scheduled_ = true;
    bell_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [this](const boost::system::error_code& ec) { on_doorbell(ec); });
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
    slot_.lapped.store(reader_.lapped_records() + reader_.lost_blobs(), std::memory_order_relaxed);
    // A large body's blob is mapped now and is copied into the payloads
    // below: the writer may unlink its name already.
    slot_.blob_read_bus_seq.store(reader_.last_bus_seq(), std::memory_order_release);
    if (!record) return false;
    registry_.find(record->topic, matches_);
    payload bare;
    payload framed;
    std::uint64_t queued = 0;
    std::uint64_t dropped = 0;
    for (const topic_index::match& m : matches_) {
        payload& message = m.recursive ? framed : bare;
        if (!message) {
            message = m.recursive ? make_framed(record->topic, record->body)
                                  : std::make_shared<const std::string>(record->body);
        }
        if (m.target->deliver(message) == push_result::queued) {
            ++queued;
        } else {
            ++dropped;
        }
    }
    registry_.count_delivered(queued);
    registry_.count_dropped(dropped);
    return true;
}

}  // namespace hookbot::fanout
