#include "cluster/nats/nats_stream_link.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "cluster/pub_ack.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {
namespace nats {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// Consumed messages handed to the relay and not yet on its bus, at most:
// beyond it the link stops taking them from the consumer, whose flow
// control then holds the rest on the servers. Two of the largest bodies fit.
constexpr std::size_t max_queued_bytes = 64u << 20;
// A consumer that has not moved for this long while the stream has more is
// made again from its next sequence (the ordered consumer usually does
// this itself, from its heartbeats).
constexpr int stalled_checks_before_restart = 5;
// A fetch waits for its next message in slices of this, so that the link's
// destruction does not wait for a whole fetch.
constexpr std::chrono::milliseconds fetch_wait_slice = 200ms;

constexpr std::int64_t nanoseconds(std::chrono::nanoseconds d) {
    return d.count();
}

// A stream's identity: its name and creation time, hashed (FNV-1a). Never 0.
std::uint64_t identity_of(const std::string& name, std::int64_t created_ns) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    const std::string text = name + '\0' + std::to_string(created_ns);
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash != 0 ? hash : 1;
}

// An ordered consumer of `stream` from `first_seq` (the stream's name must
// outlive the options).
jsSubOptions ordered_from(const std::string& stream, std::uint64_t first_seq) {
    jsSubOptions options;
    check(jsSubOptions_Init(&options), "JetStream subscription options");
    options.Stream = stream.c_str();
    options.Ordered = true;
    options.Config.DeliverPolicy = js_DeliverByStartSequence;
    options.Config.OptStartSeq = first_seq;
    return options;
}

std::string_view data_of(natsMsg* message) {
    return {natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message))};
}

// When the stream stored a message, in microseconds since the epoch.
std::uint64_t stored_unix_us(const jsMsgMetaData& metadata) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(metadata.Timestamp, 0) / 1000);
}

// A fetch's answer when the stream could not be read.
fetched_messages none_read(std::uint64_t after_seq) {
    fetched_messages none;
    none.read_from = after_seq + 1;
    none.read_through = after_seq;
    return none;
}

bool uses_tls(const cluster::cluster_options& options) {
    return !options.ca_file.empty() || !options.tls_cert.empty() ||
           std::any_of(options.urls.begin(), options.urls.end(),
                       [](const std::string& url) { return url.starts_with("tls://"); });
}

// The servers the client knows, those it discovered from the cluster included.
int known_servers(natsConnection* connection) {
    char** servers = nullptr;
    int count = 0;
    if (natsConnection_GetServers(connection, &servers, &count) != NATS_OK) return 1;
    for (int i = 0; i < count; ++i) std::free(servers[i]);  // NOLINT: the client's malloc
    std::free(servers);                                     // NOLINT
    return std::max(count, 1);
}

// The client starts threads of its own when its library opens (timers,
// connection callbacks, and the collector that frees the messages the
// link destroys), and they inherit the scheduling policy of the thread
// that opens it. Opened from a thread of SCHED_BATCH, they take their
// share of the CPU as before but never preempt the thread that wakes
// them: the acceptor's, which wakes the collector after each pass over a
// subscription, was switched out there.
void open_client_library() {
    natsStatus status = NATS_OK;
    std::thread([&status] {
        const sched_param no_priority{};
        if (const int error = pthread_setschedparam(pthread_self(), SCHED_BATCH, &no_priority)) {
            log::warning("cluster: the NATS client's threads at the default scheduling (",
                         std::strerror(error), ")");
        }
        status = nats_Open(-1);
    }).join();
    check(status, "opening the NATS client library");
}

options_handle make_options(const cluster::cluster_options& options,
                            const std::string& client_name) {
    open_client_library();  // before anything else of the client opens it
    natsOptions* raw = nullptr;
    check(natsOptions_Create(&raw), "NATS options");
    options_handle made(raw);
    std::vector<const char*> urls;
    for (const std::string& url : options.urls) urls.push_back(url.c_str());
    check(natsOptions_SetServers(raw, urls.data(), static_cast<int>(urls.size())), "--cluster");
    check(natsOptions_SetName(raw, client_name.c_str()), "NATS client name");
    // Forever, quickly: a host without NATS only refuses publishes.
    check(natsOptions_SetMaxReconnect(raw, -1), "NATS reconnects");
    check(natsOptions_SetReconnectWait(raw, 250), "NATS reconnect wait");
    check(natsOptions_SetReconnectJitter(raw, 100, 500), "NATS reconnect jitter");
    check(natsOptions_SetTimeout(raw, 2000), "NATS connect timeout");
    // With an event loop (event_loop), "send asap" makes a publish ask the
    // loop for a write at once, and no flusher thread is started: without
    // it, that thread would ask ~1 ms later (it waits to batch, and a
    // publisher waits for its answer). The loop batches instead: what one
    // turn of it publishes goes out in one write.
    check(natsOptions_SetSendAsap(raw, true), "NATS send-asap");
    // A server that stops answering (not one that closes) is noticed in 4 s.
    check(natsOptions_SetPingInterval(raw, 2000), "NATS ping interval");
    check(natsOptions_SetMaxPingsOut(raw, 2), "NATS pings outstanding");
    if (!options.credentials.empty()) {
        check(natsOptions_SetUserCredentialsFromFiles(raw, options.credentials.c_str(), nullptr),
              "--cluster-credentials");
    }
    if (uses_tls(options)) {
        check(natsOptions_SetSecure(raw, true), "TLS to NATS");
        if (!options.ca_file.empty()) {
            check(natsOptions_LoadCATrustedCertificates(raw, options.ca_file.c_str()),
                  "--cluster-ca-file");
        }
        if (!options.tls_cert.empty()) {
            check(natsOptions_LoadCertificatesChain(raw, options.tls_cert.c_str(),
                                                    options.tls_key.c_str()),
                  "--cluster-tls-cert/--cluster-tls-key");
        }
    }
    return made;
}

}  // namespace

nats_stream_link::nats_stream_link(net::io_context& ioc, const cluster::cluster_options& options,
                                   const std::string& client_name, handlers on)
    : ioc_(ioc),
      options_(options),
      on_(std::move(on)),
      subject_(options.subject()),
      loop_(event_loop::make(ioc,
                             [this] {
                                 read_acks();
                                 read_consumed();
                             })),
      nats_options_(make_options(options, client_name)) {
    natsOptions* raw = nats_options_.get();
    loop_->install(raw);
    check(natsOptions_SetDisconnectedCB(raw, on_disconnected, this), "NATS callbacks");
    check(natsOptions_SetReconnectedCB(raw, on_connected, this), "NATS callbacks");
    // A server down at the start is not an error: the client keeps trying.
    check(natsOptions_SetRetryOnFailedConnect(raw, true, on_connected, this), "NATS callbacks");
    natsConnection* connection = nullptr;
    const natsStatus status = natsConnection_Connect(&connection, raw);
    if (status != NATS_OK && status != NATS_NOT_YET_CONNECTED) {
        throw std::runtime_error(describe("connecting to NATS", status));
    }
    connection_.reset(connection);
    // Acknowledgements come to "<inbox>.<publish id>": a subscription of our
    // own, synchronous, so that nothing of the client's delivers them on
    // another thread; read_acks() takes them after each read. (The client's
    // asynchronous publish would have its delivery thread hand each one
    // over, and decode the message again for its id.)
    natsInbox* raw_inbox = nullptr;
    check(natsInbox_Create(&raw_inbox), "NATS inbox");
    const inbox_handle inbox(raw_inbox);
    ack_prefix_ = std::string(inbox.get()) + '.';
    natsSubscription* acks = nullptr;
    check(natsConnection_SubscribeSync(&acks, connection, (ack_prefix_ + '*').c_str()),
          "subscribing to JetStream's acknowledgements");
    acks_.reset(acks);
    // Taken after every read: never a slow consumer that drops one.
    natsSubscription_SetPendingLimits(acks, -1, -1);
    jsOptions js_options;
    check(jsOptions_Init(&js_options), "JetStream options");
    js_options.Wait = 2000;
    jsCtx* js = nullptr;
    check(natsConnection_JetStream(&js, connection, &js_options), "JetStream context");
    js_.reset(js);
    if (status == NATS_OK) set_connected(true);
    watcher_ = std::jthread([this](const std::stop_token& stop) { watch(stop); });
    fetcher_ = std::jthread([this](const std::stop_token& stop) { serve_fetches(stop); });
}

nats_stream_link::~nats_stream_link() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    watcher_.request_stop();
    fetcher_.request_stop();
    wake_watcher_.notify_all();
    // The watcher and the fetcher may wait for a reply that only this
    // thread would read (the loop has stopped): closing first fails their
    // calls at once rather than at their timeouts. What the client still
    // holds goes out first, or the close waits up to 500 ms for a write the
    // stopped loop would do.
    loop_->write_now();
    if (connection_) natsConnection_Close(connection_.get());
    if (watcher_.joinable()) watcher_.join();
    if (fetcher_.joinable()) fetcher_.join();
    consumer_.reset();
    {
        const std::lock_guard lock(mutex_);
        new_consumer_.reset();
    }
    acks_.reset();
    js_.reset();
    connection_.reset();
    nats_options_.reset();
    // Every thread of the client gone: no callback runs after this, and
    // the loop (loop_, destroyed with this) is called no more.
    nats_CloseAndWait(2000);
}

bool nats_stream_link::connected() const noexcept {
    return connected_.load(std::memory_order_acquire);
}

std::size_t nats_stream_link::max_payload() const noexcept {
    const std::int64_t bytes = natsConnection_GetMaxPayload(connection_.get());
    return bytes > 0 ? static_cast<std::size_t>(bytes) : 0;
}

bool nats_stream_link::publish(std::uint64_t publish_id, std::string_view data) {
    ack_subject_.assign(ack_prefix_).append(std::to_string(publish_id));
    // Buffered by the client: the loop writes it at the end of this turn.
    if (natsConnection_PublishRequest(connection_.get(), subject_.c_str(), ack_subject_.c_str(),
                                      data.data(), static_cast<int>(data.size())) != NATS_OK) {
        return false;
    }
    // Forgotten a while after the relay answered it 503 at its deadline.
    const auto now = clock::now();
    const auto forget = now - options_.publish_timeout - std::chrono::seconds(1);
    while (!sent_.empty() &&
           (sent_.front().first < forget || !unanswered_.contains(sent_.front().second))) {
        unanswered_.erase(sent_.front().second);
        sent_.pop_front();
    }
    unanswered_.insert(publish_id);
    sent_.emplace_back(now, publish_id);
    return true;
}

void nats_stream_link::read_acks() {
    int count = 0;
    if (!acks_ || natsSubscription_GetPending(acks_.get(), &count, nullptr) != NATS_OK) return;
    int no_responders_seen = 0;
    message_batch taken;
    // Only what is there: NextMsg without a timeout does not wait.
    for (; count > 0; --count) {
        natsMsg* raw = nullptr;
        const natsStatus status = natsSubscription_NextMsg(&raw, acks_.get(), 0);
        if (status == NATS_NO_RESPONDERS) {
            ++no_responders_seen;
            continue;
        }
        if (status != NATS_OK) break;
        taken.take(raw);
        const std::string_view subject = natsMsg_GetSubject(raw);
        publish_ack ack;
        const char* id_end = subject.data() + subject.size();
        if (!subject.starts_with(ack_prefix_) ||
            std::from_chars(subject.data() + ack_prefix_.size(), id_end, ack.id).ptr != id_end) {
            continue;
        }
        if (unanswered_.erase(ack.id) == 0) continue;  // answered already
        const std::string_view data = data_of(raw);
        const char* status_header = nullptr;
        if (data.empty()) natsMsgHeader_Get(raw, "Status", &status_header);
        read_pub_ack(data, status_header != nullptr ? status_header : "", ack);
        on_.ack(std::move(ack));
    }
    // After the acknowledgements read with them, which may answer older
    // publishes that no_responders() would otherwise take.
    for (; no_responders_seen > 0; --no_responders_seen) no_responders();
}

// "No responders" (the stream has no leader, or is gone: JetStream answers
// nothing) comes back as a reply of no data, which the client's NextMsg
// drops, with its subject, returning NATS_NO_RESPONDERS instead: which
// publish it answers is lost. They come back in sending order, and a
// publish sent before one that got it was most likely sent to a stream as
// leaderless (it gets "no responders" too) or to a leader since gone (it
// would time out): the oldest publish not yet answered gets it. With one
// publish in flight that is exact. With more, a publish may get its 503
// at once rather than at its deadline, or (its acknowledgement still on
// its way) a 503 though stored, as after a timeout; never a 200 for one
// that is not stored.
void nats_stream_link::no_responders() {
    while (!sent_.empty() && !unanswered_.contains(sent_.front().second)) sent_.pop_front();
    if (sent_.empty()) return;
    publish_ack ack;
    ack.id = sent_.front().second;
    ack.error = natsStatus_GetText(NATS_NO_RESPONDERS);
    unanswered_.erase(ack.id);
    sent_.pop_front();
    on_.ack(std::move(ack));
}

void nats_stream_link::consume_from(std::uint64_t first_seq) {
    {
        const std::lock_guard lock(mutex_);
        consume_request_ = first_seq;
    }
    wake_watcher_.notify_all();
}

void nats_stream_link::consumed(std::size_t bytes) {
    const std::size_t before = queued_bytes_.load(std::memory_order_relaxed);
    const std::size_t after = before - std::min(bytes, before);
    queued_bytes_.store(after, std::memory_order_relaxed);
    // Reading stopped at the bound: again, once there is room (not from
    // inside this call, which the relay makes from a handler).
    if (before >= max_queued_bytes && after < max_queued_bytes) {
        net::post(ioc_, [this] { read_consumed(); });
    }
}

void nats_stream_link::read_consumed() {
    int pending = 0;
    if (!consumer_ || natsSubscription_GetPending(consumer_.get(), &pending, nullptr) != NATS_OK) {
        return;
    }
    message_batch taken;
    // Only what is there (NextMsg without a timeout does not wait), and one
    // message past the bound at most.
    for (; pending > 0 && queued_bytes_.load(std::memory_order_relaxed) < max_queued_bytes;
         --pending) {
        natsMsg* raw = nullptr;
        if (natsSubscription_NextMsg(&raw, consumer_.get(), 0) != NATS_OK) break;
        taken.take(raw);
        jsMsgMetaData* raw_metadata = nullptr;
        if (natsMsg_GetMetaData(&raw_metadata, raw) != NATS_OK) continue;
        const metadata_handle metadata(raw_metadata);
        consumed_message consumed{metadata->Sequence.Stream, metadata->NumPending,
                                  stored_unix_us(*metadata), std::string(data_of(raw))};
        last_consumed_.store(consumed.seq);
        queued_bytes_.fetch_add(consumed.data.size(), std::memory_order_relaxed);
        on_.message(std::move(consumed));
    }
}

void nats_stream_link::take_new_consumer() {
    subscription_handle made;
    {
        const std::lock_guard lock(mutex_);
        made = std::move(new_consumer_);
    }
    if (!made) return;
    // The one it replaces is destroyed here, on the thread that reads it.
    consumer_ = std::move(made);
    read_consumed();
}

void nats_stream_link::fetch(fetch_request request, std::function<void(fetched_messages)> done) {
    {
        const std::lock_guard lock(mutex_);
        fetches_.push_back({std::move(request), std::move(done)});
    }
    wake_fetcher_.notify_all();
}

void nats_stream_link::serve_fetches(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
        std::optional<pending_fetch> next;
        {
            std::unique_lock lock(mutex_);
            if (!wake_fetcher_.wait(lock, stop, [this] { return !fetches_.empty(); })) return;
            next.emplace(std::move(fetches_.front()));
            fetches_.pop_front();
        }
        fetched_messages got = none_read(next->request.after_seq);
        try {
            got = read_range(next->request, stop);
        } catch (const std::exception& e) {  // nothing read: the resume goes on from the bus
            log::warning("cluster: a resume from the stream: ", e.what());
        }
        if (stopping_) return;
        net::post(ioc_, [done = std::move(next->done), got = std::move(got)]() mutable {
            done(std::move(got));
        });
    }
}

fetched_messages nats_stream_link::read_range(const fetch_request& request,
                                              const std::stop_token& stop) {
    fetched_messages got = none_read(request.after_seq);
    if (!connected()) return got;
    const auto deadline = std::chrono::steady_clock::now() + request.max_time;
    // What the stream still holds: a consumer started on a range it no
    // longer has would wait for its deadline.
    jsStreamInfo* raw_info = nullptr;
    jsErrCode code{};
    natsStatus status =
        js_GetStreamInfo(&raw_info, js_.get(), options_.stream.c_str(), nullptr, &code);
    if (status != NATS_OK) {
        log::warning("cluster: a resume from the stream: ",
                     describe("reading stream info", status, code));
        return got;
    }
    const stream_info_handle info(raw_info);
    const std::uint64_t first = std::max(request.after_seq + 1, info->State.FirstSeq);
    const std::uint64_t last = std::min(request.through_seq, info->State.LastSeq);
    got.read_from = first;
    got.read_through = first - 1;
    if (first > last) return got;

    jsSubOptions options = ordered_from(options_.stream, first);
    natsSubscription* raw = nullptr;
    status = js_SubscribeSync(&raw, js_.get(), subject_.c_str(), nullptr, &options, &code);
    if (status != NATS_OK) {
        log::warning("cluster: a resume from the stream: ",
                     describe("consuming the stream", status, code));
        return got;
    }
    // Destroyed on return: the client deletes its ephemeral consumer.
    const subscription_handle subscription(raw);
    // Unbounded in the client, bounded here: the read stops past max_bytes.
    natsSubscription_SetPendingLimits(raw, -1, -1);
    std::size_t kept_bytes = 0;
    bool first_read = true;
    while (got.read_through < last && kept_bytes <= request.max_bytes && !stop.stop_requested()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        natsMsg* raw_message = nullptr;
        status =
            natsSubscription_NextMsg(&raw_message, raw, std::min(left, fetch_wait_slice).count());
        if (status == NATS_TIMEOUT) continue;
        if (status != NATS_OK) break;
        const message_handle message(raw_message);
        jsMsgMetaData* raw_metadata = nullptr;
        if (natsMsg_GetMetaData(&raw_metadata, raw_message) != NATS_OK) continue;
        const metadata_handle metadata(raw_metadata);
        const std::uint64_t seq = metadata->Sequence.Stream;
        if (seq <= got.read_through) continue;  // again, after the consumer was reset
        if (seq > last) break;
        // The stream dropped its oldest since its info was read.
        if (std::exchange(first_read, false) && seq > first) got.read_from = seq;
        got.read_through = seq;
        const std::string_view data = data_of(raw_message);
        if (!request.keep(data)) continue;
        kept_bytes += data.size();
        got.kept.push_back({seq, 0, stored_unix_us(*metadata), std::string(data)});
    }
    return got;
}

void nats_stream_link::watch(const std::stop_token& stop) {
    int stalled = 0;
    std::uint64_t seen_consumed = 0;
    while (!stop.stop_requested()) {
        if (connected()) {
            if (const std::optional<stream_state> state = read_stream()) {
                net::post(ioc_, [this, state = *state] { on_.stream(state); });
                std::optional<std::uint64_t> request;
                {
                    const std::lock_guard lock(mutex_);
                    request = std::exchange(consume_request_, std::nullopt);
                }
                const std::uint64_t consumed_seq = last_consumed_.load();
                const bool behind = has_consumer_ && state->last_seq > consumed_seq &&
                                    consumed_seq == seen_consumed && queued_bytes_.load() == 0;
                stalled = behind ? stalled + 1 : 0;
                seen_consumed = consumed_seq;
                if (request) {
                    subscribe(*request);
                } else if (stalled >= stalled_checks_before_restart) {
                    log::warning("cluster: the consumer stopped at sequence ", consumed_seq, " of ",
                                 state->last_seq, ": starting it again");
                    subscribe(consumed_seq + 1);
                    stalled = 0;
                }
            }
        }
        std::unique_lock lock(mutex_);
        wake_watcher_.wait_for(lock, stop, 1s, [this] { return consume_request_.has_value(); });
    }
}

std::optional<stream_state> nats_stream_link::read_stream() {
    jsStreamInfo* raw = nullptr;
    jsErrCode code{};
    natsStatus status = js_GetStreamInfo(&raw, js_.get(), options_.stream.c_str(), nullptr, &code);
    if (status == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
        const char* subjects[] = {subject_.c_str()};
        jsStreamConfig config;
        check(jsStreamConfig_Init(&config), "JetStream stream config");
        config.Name = options_.stream.c_str();
        config.Subjects = subjects;
        config.SubjectsLen = 1;
        config.Storage = js_FileStorage;
        config.Discard = js_DiscardOld;
        config.Replicas = options_.replicas != 0
                              ? static_cast<int64_t>(options_.replicas)
                              : std::min<int64_t>(3, known_servers(connection_.get()));
        config.MaxAge = options_.max_age.count() != 0 ? nanoseconds(options_.max_age) : 0;
        config.MaxBytes = options_.max_bytes != 0 ? static_cast<int64_t>(options_.max_bytes) : -1;
        code = jsErrCode{};
        status = js_AddStream(&raw, js_.get(), &config, nullptr, &code);
        if (status == NATS_OK) {
            log::info("cluster: created stream \"", options_.stream, "\" (subject \"", subject_,
                      "\", ", config.Replicas, config.Replicas == 1 ? " replica" : " replicas",
                      ")");
        } else if (code == JSStreamNameExistErr) {  // another host, just now
            code = jsErrCode{};
            status = js_GetStreamInfo(&raw, js_.get(), options_.stream.c_str(), nullptr, &code);
        }
    }
    if (status != NATS_OK) {
        // Closed under it when the link is destroyed: nothing to tell.
        if (!stopping_) log::warning("cluster: ", describe("reading stream info", status, code));
        return std::nullopt;
    }
    const stream_info_handle info(raw);
    return stream_state{identity_of(options_.stream, info->Created), info->State.LastSeq};
}

void nats_stream_link::subscribe(std::uint64_t first_seq) {
    jsSubOptions options = ordered_from(options_.stream, first_seq);
    options.Config.Heartbeat = nanoseconds(1s);
    natsSubscription* raw = nullptr;
    jsErrCode code{};
    // Synchronous: nothing of the client's delivers its messages on another
    // thread; read_consumed() takes them after each read, as the acks.
    const natsStatus status =
        js_SubscribeSync(&raw, js_.get(), subject_.c_str(), nullptr, &options, &code);
    if (status != NATS_OK) {
        if (stopping_) return;
        log::warning("cluster: ", describe("consuming the stream", status, code), "; trying again");
        const std::lock_guard lock(mutex_);
        if (!consume_request_) consume_request_ = first_seq;
        return;
    }
    subscription_handle made(raw);
    // The link stops reading at its bound instead (read_consumed), and flow
    // control holds the servers: nothing is dropped as a slow consumer.
    natsSubscription_SetPendingLimits(raw, -1, -1);
    last_consumed_.store(first_seq - 1);
    has_consumer_ = true;
    {
        const std::lock_guard lock(mutex_);
        new_consumer_ = std::move(made);
    }
    net::post(ioc_, [this] { take_new_consumer(); });
}

void nats_stream_link::set_connected(bool up) {
    connected_.store(up, std::memory_order_release);
    if (stopping_) return;
    net::post(ioc_, [this, up] { on_.connection(up); });
    if (up) wake_watcher_.notify_all();
}

void nats_stream_link::on_connected(natsConnection* /*connection*/, void* self) {
    static_cast<nats_stream_link*>(self)->set_connected(true);
}

void nats_stream_link::on_disconnected(natsConnection* /*connection*/, void* self) {
    static_cast<nats_stream_link*>(self)->set_connected(false);
}

}  // namespace nats

std::unique_ptr<stream_link> open_stream_link(boost::asio::io_context& ioc,
                                              const cluster::cluster_options& options,
                                              const std::string& client_name,
                                              stream_link::handlers handlers) {
    return std::make_unique<nats::nats_stream_link>(ioc, options, client_name, std::move(handlers));
}

}  // namespace hookbot::acceptor
