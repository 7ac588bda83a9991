#include "cluster/cluster_relay.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
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

// Stream messages a host has in flight at most; publishes beyond wait and go
// together in the next. Fewer make larger batches (all the same to the
// publish load's 64 connections, from 1 to 16), more make a publish wait
// less often: under the fanout load (16 publishers, hosts short of CPU), 1
// reached 0.84 of the publishes/s of 64 (a message per publish), 8 reached
// 0.92 (bench/RESULTS.md, "Issue 18, continued (4)").
constexpr std::size_t max_messages_in_flight = 8;

// The stream message that holds the id `bus_seq`; for ids below the first
// message's (stream sequences start at 1), that first one.
constexpr std::uint64_t message_holding(std::uint64_t bus_seq) noexcept {
    return std::max<std::uint64_t>(stream_seq_of(bus_seq), 1);
}

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
    const stream_record record{topic, flags, body};
    const std::size_t max_bytes = link_->max_payload();
    if (stream_message_bytes(record) > max_bytes) return done(responses::payload_too_large());
    const auto now = clock::now();
    const bool open = outgoing_.size() > in_flight_;  // the newest is not sent yet
    if (!open || !outgoing_.back().data.add(record, max_bytes)) {
        outgoing_.push_back(
            {stream_message_builder(next_publish_id_++), {}, now + options_.publish_timeout});
        outgoing_.back().data.add(record, max_bytes);  // fits alone: checked above
    }
    outgoing_.back().publishes.push_back({std::move(done), now});
    arm_deadline();
    schedule_send();
}

// At the end of the loop's turn, so that the publishes its reads brought go
// in one message.
void cluster_relay::schedule_send() {
    if (in_flight_ == max_messages_in_flight || send_posted_) return;
    send_posted_ = true;
    net::post(ioc_, [this] {
        send_posted_ = false;
        send_next();
    });
}

void cluster_relay::send_next() {
    while (in_flight_ < max_messages_in_flight && outgoing_.size() > in_flight_) {
        const auto next = outgoing_.begin() + static_cast<std::ptrdiff_t>(in_flight_);
        if (link_->connected() && link_->publish(next->data.publish_id(), next->data.data())) {
            ++in_flight_;
            continue;
        }
        auto& counter =
            link_->connected() ? counters_.refused_error : counters_.refused_disconnected;
        outgoing_message refused = std::move(*next);
        outgoing_.erase(next);
        refuse(std::move(refused), counter);
    }
}

void cluster_relay::refuse(outgoing_message message, std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(message.publishes.size(), std::memory_order_relaxed);
    for (waiting_publish& publish : message.publishes)
        publish.done(responses::publish_unavailable());
}

void cluster_relay::on_ack(const publish_ack& ack) {
    const auto in_flight = outgoing_.begin() + static_cast<std::ptrdiff_t>(in_flight_);
    const auto found =
        std::find_if(outgoing_.begin(), in_flight,
                     [&ack](const outgoing_message& m) { return m.data.publish_id() == ack.id; });
    if (found == in_flight) return;  // answered 503 at its deadline already
    outgoing_message acked = std::move(*found);
    outgoing_.erase(found);
    --in_flight_;
    if (ack.seq == 0) {
        refusals_.warning("cluster: JetStream refused ", acked.publishes.size(),
                          acked.publishes.size() == 1 ? " publish: " : " publishes: ", ack.error);
        refuse(std::move(acked), counters_.refused_error);
    } else {
        note_stream_end(ack.seq);
        const auto now = clock::now();
        for (std::size_t i = 0; i < acked.publishes.size(); ++i) {
            waiting_publish& publish = acked.publishes[i];
            const auto waited =
                std::chrono::duration_cast<std::chrono::microseconds>(now - publish.arrived);
            counters_.publish_ack.record(static_cast<std::uint32_t>(waited.count()));
            publish.done(shm_ring::message_id{identity_, bus_seq_of(ack.seq, i)});
        }
    }
    send_next();
}

void cluster_relay::arm_deadline() {
    if (deadline_armed_ || outgoing_.empty()) return;
    deadline_armed_ = true;
    deadline_timer_.expires_at(outgoing_.front().deadline);
    deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
        deadline_armed_ = false;
        if (!ec) expire_publishes();
    });
}

// Those in flight, and any waiting as long (NATS stalled): a 503 each.
void cluster_relay::expire_publishes() {
    const auto now = clock::now();
    while (!outgoing_.empty() && outgoing_.front().deadline <= now) {
        outgoing_message expired = std::move(outgoing_.front());
        outgoing_.pop_front();
        if (in_flight_ != 0) --in_flight_;
        refuse(std::move(expired), counters_.refused_timeout);
    }
    send_next();
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
        // A bus that holds messages of this stream catches up from the
        // newest stream message it holds, read again (an acceptor that
        // stopped may have appended only part of it; append() skips the
        // rest); an empty one starts with what is published from now.
        const std::uint64_t held = publisher_.last_bus_seq();
        const std::uint64_t first = held != 0 ? message_holding(held) : state.last_seq + 1;
        queued_seq_ = first - 1;
        appended_seq_ = held != 0 ? first : first - 1;
        // Ids before it are the stream's too, never on this bus: resumes
        // from them are served from the stream.
        if (held == 0) publisher_.begin_at(bus_seq_of(first, 0));
        log::info(
            "cluster: consuming stream \"", options_.stream, "\" from sequence ", first,
            held != 0 ? " (the newest this bus holds, and on)" : " (its end: this bus is new)");
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
    // Shared by its records' commits, which the bus room may hold: the
    // decoded records view its data.
    const auto held = std::make_shared<const consumed_message>(std::move(message));
    const std::optional<stream_message> decoded = decode_stream_message(held->data);
    if (!decoded && skipped_++ == 0) {
        log::warning("cluster: stream sequence ", held->seq,
                     " is not a hookbot message (another publisher on subject \"",
                     options_.subject(), "\"?): skipped, and so will be any other");
    }
    auto appended = [this, held] {
        note_appended(*held);
        link_->consumed(held->data.size());
    };
    if (!decoded) return bus_room::admit(room_, 0, 0, std::move(appended));  // in the room's order
    const std::vector<stream_record>& records = decoded->records;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const bool last = i + 1 == records.size();
        bus_room::admit(room_, records[i].topic.size(), records[i].body.size(),
                        [this, held, i, record = records[i], last, appended] {
                            append(held->seq, i, record);
                            if (last) appended();
                        });
    }
}

void cluster_relay::append(std::uint64_t stream_seq, std::size_t index,
                           const stream_record& record) {
    const std::uint64_t bus_seq = bus_seq_of(stream_seq, index);
    // The newest message a restarted acceptor's bus holds is read again
    // (consume_from): what it holds of it stays as it is.
    if (bus_seq <= publisher_.last_bus_seq()) return;
    if (!publisher_.append_at(bus_seq, record.topic, record.body, record.flags)) {
        log::error("cluster: stream sequence ", stream_seq, " (topic \"", record.topic,
                   "\") does not fit this host's bus: lost here");
    }
}

void cluster_relay::note_appended(const consumed_message& message) {
    appended_seq_ = message.seq;
    appended_unix_us_ = message.unix_us;
    counters_.stream_sequence.store(message.seq, std::memory_order_relaxed);
    update_lag();
}

void cluster_relay::fetch(const handoff::stream_fetch& request, fetch_reply reply) {
    // The stream's sequences make this bus's ids only while the bus is the
    // stream's (a worker checked the id's epoch against the bus).
    const bool servable = link_ && link_->connected() && identity_ == bus_.epoch() && !replacing_ &&
                          request.through_seq > request.after_seq;
    if (!servable || fetches_under_way_ >= max_fetches_under_way) {
        if (servable) {
            fetch_warnings.warning("cluster: ", fetches_under_way_,
                                   " resumes read the stream already: one from id ",
                                   request.after_seq, " goes on from the bus");
        }
        counters_.stream_resumes_unserved.fetch_add(1, std::memory_order_relaxed);
        return reply(handoff::nothing_read(request), {});
    }
    ++fetches_under_way_;
    fetch_request read;
    // From the message that holds after_seq: what follows it there is after it.
    read.after_seq = message_holding(request.after_seq) - 1;
    read.through_seq = stream_seq_of(request.through_seq);
    read.max_bytes = max_fetch_bytes;
    read.max_time = max_fetch_time;
    read.keep = [topic = request.topic, recursive = request.recursive](std::string_view data) {
        const std::optional<stream_message> message = decode_stream_message(data);
        return message &&
               std::any_of(message->records.begin(), message->records.end(),
                           [&](const stream_record& record) {
                               return routing::subscription_matches(topic, recursive, record.topic);
                           });
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
    if (!read_any) return reply(handoff::nothing_read(request), {});
    std::string batch;
    std::uint64_t records = 0;
    for (const consumed_message& message : fetched.kept) {
        const std::optional<stream_message> decoded = decode_stream_message(message.data);
        if (!decoded) continue;  // `keep` took only stream messages
        for (std::size_t i = 0; i < decoded->records.size(); ++i) {
            const stream_record& record = decoded->records[i];
            const std::uint64_t bus_seq = bus_seq_of(message.seq, i);
            if (bus_seq <= request.after_seq || bus_seq > request.through_seq ||
                !routing::subscription_matches(request.topic, request.recursive, record.topic)) {
                continue;
            }
            handoff::append_to_batch(
                batch, {bus_seq, message.unix_us, record.flags, record.topic, record.body});
            ++records;
        }
    }
    fetched.kept.clear();
    counters_.stream_resume_messages.fetch_add(records, std::memory_order_relaxed);
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
    // In ids: read from after_seq's message on, nothing is missing before;
    // from a later one, the stream no longer held what came between (maybe
    // only what followed after_seq in its message: a gap notice either way).
    const std::uint64_t after_message = message_holding(request.after_seq);
    const std::uint64_t read_from = fetched.read_from <= after_message
                                        ? request.after_seq + 1
                                        : bus_seq_of(fetched.read_from, 0);
    const std::uint64_t read_through = fetched.read_through >= stream_seq_of(request.through_seq)
                                           ? request.through_seq
                                           : bus_seq_of(fetched.read_through + 1, 0) - 1;
    reply({request.id, read_from, read_through, bytes}, std::move(sealed));
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
