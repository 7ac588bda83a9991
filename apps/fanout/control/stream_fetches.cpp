#include "control/stream_fetches.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {
namespace {

log::throttle fetch_warnings(10, "resume-from-stream warnings");

}  // namespace

stream_fetches::stream_fetches(boost::asio::io_context& ioc, control_link& link)
    : ioc_(ioc), link_(link), deadline_(ioc) {}

void stream_fetches::fetch(handoff::stream_fetch request, done_handler done) {
    request.id = next_id_++;
    const std::uint64_t id = request.id;
    if (!link_.up() || !link_.send(std::move(request))) {
        boost::asio::post(ioc_, [done = std::move(done)] { done(stream_batch{}); });
        return;
    }
    pending_.emplace(id, pending{std::move(done), clock::now() + patience});
    arm();
}

void stream_fetches::on_answer(const handoff::stream_messages& answer, posix::unique_fd batch) {
    const auto found = pending_.find(answer.id);
    if (found == pending_.end()) return;  // given up on already
    pending waiting = std::move(found->second);
    pending_.erase(found);
    stream_batch got{answer.read_from, answer.read_through, std::nullopt};
    if (answer.bytes != 0) {
        got.messages = handoff::map_sealed_body(batch.get(), answer.bytes);
        if (!got.messages) {
            fetch_warnings.warning("a resume's batch from the stream is not a sealed memfd of ",
                                   answer.bytes, " bytes: it goes on from the bus");
            got = stream_batch{};
        }
    }
    waiting.done(std::move(got));
}

void stream_fetches::on_lost() {
    auto lost = std::exchange(pending_, {});
    for (auto& [id, waiting] : lost) waiting.done(stream_batch{});
}

void stream_fetches::arm() {
    if (armed_ || pending_.empty()) return;
    armed_ = true;
    deadline_.expires_at(pending_.begin()->second.deadline);
    deadline_.async_wait([this](const boost::system::error_code& ec) {
        armed_ = false;
        if (!ec) expire();
    });
}

void stream_fetches::expire() {
    const auto now = clock::now();
    while (!pending_.empty() && pending_.begin()->second.deadline <= now) {
        pending waiting = std::move(pending_.begin()->second);
        pending_.erase(pending_.begin());
        fetch_warnings.warning(
            "the acceptor did not answer a resume's fetch from the stream within ",
            patience.count(), " s: it goes on from the bus");
        waiting.done(stream_batch{});
    }
    arm();
}

}  // namespace hookbot::fanout
