#include "cluster/cluster_relay.hpp"

#include <utility>

#include "cluster/stream_payload.hpp"
#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/handoff/stream_batch.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/routing/topic_match.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "publish/bus_room.hpp"

namespace hookbot::acceptor {

namespace net = boost::asio;

namespace {

// A resume served from the stream (cluster_relay::fetch): one read at a
// time on the link's thread, a few more waiting; each bounded in size (the
// worker maps it while it replays) and in time (its subscriber waits for
// it, and the worker gives up after 10 s: see stream_fetches).
constexpr std::size_t max_fetches_under_way = 4;
constexpr std::size_t max_fetch_bytes = 64u << 20;
constexpr std::chrono::milliseconds max_fetch_time{2000};

log::throttle fetch_warnings(10, "resume-from-stream warnings");

}  // namespace

cluster_relay::cluster_relay(net::io_context& ioc, const cluster::cluster_options& options,
                             shm_ring::bus& bus, publish_handler& publisher, bus_room* room,
                             std::function<void()> replace_bus)
    : ioc_(ioc),
      options_(options),
      bus_(bus),
      counters_(bus.acceptor().cluster),
      publisher_(publisher),
      room_(room),
      replace_bus_(std::move(replace_bus)),
      deadline_timer_(ioc),
      settle_timer_(ioc) {
    publisher.use_stream(
        [this](std::string_view topic, std::string_view stored, std::uint32_t flags,
               done_handler done) { publish(topic, stored, flags, std::move(done)); });
}

cluster_relay::~cluster_relay() = default;

void cluster_relay::start(const std::string& client_name) {
    counters_.enabled.store(1, std::memory_order_relaxed);
    counters_.connected.store(0, std::memory_order_relaxed);
    counters_.consuming.store(0, std::memory_order_relaxed);
    link_ =
        open_stream_link(ioc_, options_, client_name,
                         stream_link::handlers{
                             [this](stream_state state) { on_stream(state); },
                             [this](consumed_message message) { on_message(std::move(message)); },
                             [this](const publish_ack& ack) { on_ack(ack); },
                             [this](bool up) { on_connection(up); },
                         });
    log::info("cluster: stream \"", options_.stream, "\" on ", options_.urls.size(),
              options_.urls.size() == 1 ? " NATS server" : " NATS servers",
              "; publishes are answered once JetStream stored them");
}

void cluster_relay::when_settled(std::function<void()> settled, std::chrono::milliseconds at_most) {
    settled_ = std::move(settled);
    if (consuming_) return settle();
    settle_timer_.expires_after(at_most);
    settle_timer_.async_wait([this, at_most](const boost::system::error_code& ec) {
        if (ec || !settled_) return;
        log::warning("cluster: not consuming the stream after ", at_most.count(),
                     " ms (NATS out of reach?): serving anyway; publishes get 503 until it is");
        settle();
    });
}

void cluster_relay::settle() {
    settle_timer_.cancel();
    if (auto settled = std::exchange(settled_, nullptr)) settled();
}

void cluster_relay::publish(std::string_view topic, std::string_view body, std::uint32_t flags,
                            done_handler done) {
    if (topic.size() > shm_ring::layout::max_topic_bytes) {
        return done(responses::payload_too_large());
    }
    // No ids before the stream is known, and none for a bus about to go.
    if (!link_ || !link_->connected() || identity_ == 0 || replacing_) {
        counters_.refused_disconnected.fetch_add(1, std::memory_order_relaxed);
        return done(responses::publish_unavailable());
    }
    const std::uint64_t id = next_publish_id_++;
    const std::string data = encode_stream_record({topic, flags, body, id});
    if (data.size() > link_->max_payload()) return done(responses::payload_too_large());
    if (!link_->publish(id, data)) {
        counters_.refused_error.fetch_add(1, std::memory_order_relaxed);
        return done(responses::publish_unavailable());
    }
    const auto now = clock::now();
    pending_.emplace(id, pending_publish{std::move(done), now});
    deadlines_.emplace_back(now + options_.publish_timeout, id);
    arm_deadline();
}

void cluster_relay::on_ack(const publish_ack& ack) {
    const auto found = pending_.find(ack.id);
    if (found == pending_.end()) return;  // answered 503 at its deadline already
    pending_publish pending = std::move(found->second);
    pending_.erase(found);
    if (ack.seq == 0) {
        counters_.refused_error.fetch_add(1, std::memory_order_relaxed);
        refusals_.warning("cluster: JetStream refused a publish: ", ack.error);
        return pending.done(responses::publish_unavailable());
    }
    const auto waited =
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - pending.sent);
    counters_.publish_ack.record(static_cast<std::uint32_t>(waited.count()));
    note_stream_end(ack.seq);
    pending.done(shm_ring::message_id{identity_, ack.seq});
}

void cluster_relay::arm_deadline() {
    if (deadline_armed_ || deadlines_.empty()) return;
    deadline_armed_ = true;
    deadline_timer_.expires_at(deadlines_.front().first);
    deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
        deadline_armed_ = false;
        if (!ec) expire_publishes();
    });
}

void cluster_relay::expire_publishes() {
    const auto now = clock::now();
    while (!deadlines_.empty() && deadlines_.front().first <= now) {
        const auto found = pending_.find(deadlines_.front().second);
        deadlines_.pop_front();
        if (found == pending_.end()) continue;  // acknowledged in time
        done_handler done = std::move(found->second.done);
        pending_.erase(found);
        counters_.refused_timeout.fetch_add(1, std::memory_order_relaxed);
        done(responses::publish_unavailable());
    }
    arm_deadline();
}

void cluster_relay::on_connection(bool up) {
    counters_.connected.store(up ? 1 : 0, std::memory_order_relaxed);
    if (up) {
        log::info("cluster: connected to NATS");
    } else {
        log::warning("cluster: NATS connection lost; publishes get 503 until it is back");
    }
}

void cluster_relay::on_stream(const stream_state& state) {
    if (replacing_) return;
    if (state.identity != bus_.epoch()) {
        replacing_ = true;
        if (identity_ == 0) {
            log::info("cluster: stream \"", options_.stream, "\" has identity ",
                      shm_ring::format_epoch(state.identity),
                      ", this bus another epoch: asking for a bus of the stream's");
        } else {
            log::warning("cluster: stream \"", options_.stream, "\" was replaced (identity ",
                         shm_ring::format_epoch(identity_), " is now ",
                         shm_ring::format_epoch(state.identity),
                         "): asking for a new bus; ids of the old stream get a gap notice");
        }
        counters_.requested_epoch.store(state.identity, std::memory_order_relaxed);
        replace_bus_();
        return;
    }
    identity_ = state.identity;
    note_stream_end(state.last_seq);
    if (!consuming_) {
        consuming_ = true;
        // A bus that holds messages of this stream goes on after its newest
        // (catching up); an empty one starts with what is published from now.
        const std::uint64_t held = publisher_.last_bus_seq();
        const std::uint64_t first = held != 0 ? held + 1 : state.last_seq + 1;
        queued_seq_ = appended_seq_ = first - 1;
        // Ids before it are the stream's too, never on this bus: resumes
        // from them are served from the stream.
        if (held == 0) publisher_.begin_at(first);
        log::info("cluster: consuming stream \"", options_.stream, "\" from sequence ", first,
                  held != 0 ? " (after the newest this bus holds)" : " (its end: this bus is new)");
        link_->consume_from(first);
        counters_.consuming.store(1, std::memory_order_relaxed);
        settle();
    }
    update_lag();
}

void cluster_relay::on_message(consumed_message message) {
    note_stream_end(message.seq + message.pending);
    const std::size_t bytes = message.data.size();
    if (replacing_ || message.seq <= queued_seq_) {  // again, after the consumer restarted
        link_->consumed(bytes);
        return;
    }
    queued_seq_ = message.seq;
    const std::optional<stream_record> record = decode_stream_record(message.data);
    const std::uint64_t record_bytes = record ? record->topic.size() + record->body.size() : 0;
    auto commit = [this, message = std::move(message)] {
        append(message);
        link_->consumed(message.data.size());
    };
    if (!record) return commit();
    bus_room::admit(room_, record->topic.size(), record_bytes - record->topic.size(),
                    std::move(commit));
}

void cluster_relay::append(const consumed_message& message) {
    const std::optional<stream_record> record = decode_stream_record(message.data);
    if (!record) {
        if (skipped_++ == 0) {
            log::warning("cluster: stream sequence ", message.seq,
                         " is not a hookbot message (another publisher on subject \"",
                         options_.subject(), "\"?): skipped, and so will be any other");
        }
    } else if (!publisher_.append_at(message.seq, record->topic, record->body, record->flags)) {
        log::error("cluster: stream sequence ", message.seq, " (topic \"", record->topic,
                   "\") does not fit this host's bus: lost here");
    }
    appended_seq_ = message.seq;
    appended_unix_us_ = message.unix_us;
    counters_.stream_sequence.store(message.seq, std::memory_order_relaxed);
    update_lag();
}

void cluster_relay::fetch(const handoff::stream_fetch& request, fetch_reply reply) {
    // The stream's sequences are this bus's ids only while the bus is the
    // stream's (a worker checked the id's epoch against the bus).
    const bool servable = link_ && link_->connected() && identity_ == bus_.epoch() && !replacing_ &&
                          request.through_seq > request.after_seq;
    if (!servable || fetches_under_way_ >= max_fetches_under_way) {
        if (servable) {
            fetch_warnings.warning("cluster: ", fetches_under_way_,
                                   " resumes read the stream already: one from sequence ",
                                   request.after_seq, " goes on from the bus");
        }
        counters_.stream_resumes_unserved.fetch_add(1, std::memory_order_relaxed);
        return reply(handoff::nothing_read(request), {});
    }
    ++fetches_under_way_;
    fetch_request read;
    read.after_seq = request.after_seq;
    read.through_seq = request.through_seq;
    read.max_bytes = max_fetch_bytes;
    read.max_time = max_fetch_time;
    read.keep = [topic = request.topic, recursive = request.recursive](std::string_view data) {
        const std::optional<stream_record> record = decode_stream_record(data);
        return record && routing::subscription_matches(topic, recursive, record->topic);
    };
    link_->fetch(std::move(read), [this, request, reply = std::move(reply)](fetched_messages got) {
        --fetches_under_way_;
        answer_fetch(request, std::move(got), reply);
    });
}

void cluster_relay::answer_fetch(const handoff::stream_fetch& request, fetched_messages fetched,
                                 const fetch_reply& reply) {
    const bool read_any = fetched.read_through >= fetched.read_from;
    (read_any ? counters_.stream_resumes_served : counters_.stream_resumes_unserved)
        .fetch_add(1, std::memory_order_relaxed);
    counters_.stream_resume_messages.fetch_add(fetched.kept.size(), std::memory_order_relaxed);
    std::string batch;
    for (const consumed_message& message : fetched.kept) {
        const std::optional<stream_record> record = decode_stream_record(message.data);
        if (!record) continue;  // `keep` took only records
        handoff::append_to_batch(
            batch, {message.seq, message.unix_us, record->flags, record->topic, record->body});
    }
    fetched.kept.clear();
    posix::unique_fd sealed;
    const std::uint64_t bytes = batch.size();
    if (bytes != 0) {
        try {
            sealed = handoff::seal_body(batch);
        } catch (const std::exception& e) {
            fetch_warnings.warning("cluster: a resume's messages from the stream: ", e.what(),
                                   "; it goes on from the bus");
            return reply(handoff::nothing_read(request), {});
        }
    }
    reply({request.id, fetched.read_from, fetched.read_through, bytes}, std::move(sealed));
}

void cluster_relay::note_stream_end(std::uint64_t last_seq) {
    if (last_seq > stream_last_seq_) stream_last_seq_ = last_seq;
}

void cluster_relay::update_lag() {
    const std::uint64_t lag =
        stream_last_seq_ > appended_seq_ ? stream_last_seq_ - appended_seq_ : 0;
    counters_.lag_messages.store(lag, std::memory_order_relaxed);
    const std::uint64_t now = shm_ring::unix_time_us();
    const std::uint64_t age =
        lag != 0 && appended_unix_us_ != 0 && now > appended_unix_us_ ? now - appended_unix_us_ : 0;
    counters_.lag_us.store(age, std::memory_order_relaxed);
}

}  // namespace hookbot::acceptor
