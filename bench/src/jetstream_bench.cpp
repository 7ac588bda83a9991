// `hookbot-bench jetstream`: JetStream's own publish figures through libnats,
// the client hookbot's cluster mode uses. See bench/README.md.
#include "jetstream_bench.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "clock.hpp"
#include "histogram.hpp"
#include "net.hpp"

namespace hookbot::bench {
namespace {

namespace po = boost::program_options;

// -- libnats objects -------------------------------------------------------

struct options_deleter {
    void operator()(natsOptions* o) const noexcept { natsOptions_Destroy(o); }
};
struct connection_deleter {
    void operator()(natsConnection* c) const noexcept { natsConnection_Destroy(c); }
};
struct context_deleter {
    void operator()(jsCtx* js) const noexcept { jsCtx_Destroy(js); }
};
struct stream_info_deleter {
    void operator()(jsStreamInfo* si) const noexcept { jsStreamInfo_Destroy(si); }
};
struct subscription_deleter {
    void operator()(natsSubscription* s) const noexcept {
        natsSubscription_Unsubscribe(s);
        natsSubscription_Destroy(s);
    }
};
using nats_options = std::unique_ptr<natsOptions, options_deleter>;
using nats_connection = std::unique_ptr<natsConnection, connection_deleter>;
using js_context = std::unique_ptr<jsCtx, context_deleter>;
using stream_info = std::unique_ptr<jsStreamInfo, stream_info_deleter>;
using subscription = std::unique_ptr<natsSubscription, subscription_deleter>;

// libnats' own text for a failed call: its error stack's last entry without
// the "(file.c:123): " in front, else the status's text.
std::string nats_error(natsStatus status) {
    natsStatus last = NATS_OK;
    const char* text = nats_GetLastError(&last);
    if (text == nullptr || *text == '\0') return natsStatus_GetText(status);
    std::string_view message(text);
    if (message.starts_with("(")) {
        const auto end = message.find("): ");
        if (end != std::string_view::npos) message.remove_prefix(end + 3);
    }
    return std::string(message);
}

void check(natsStatus status, std::string_view what) {
    if (status != NATS_OK) {
        throw std::runtime_error(std::string(what) + ": " + nats_error(status));
    }
}

std::int64_t milliseconds(double seconds) {
    return static_cast<std::int64_t>(std::max(0.0, seconds) * 1000.0);
}

std::uint64_t seconds_ns(double seconds) {
    return static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9);
}

double micros(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

std::vector<std::string> split_servers(const std::string& text) {
    std::vector<std::string> urls;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) urls.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    if (urls.empty()) throw std::runtime_error("--servers: no URL");
    return urls;
}

// -- the body: send time and sequence in its first 16 bytes ------------------

struct stamp {
    std::uint64_t sent_ns = 0;
    std::uint64_t sequence = 0;
};

void write_stamp(std::vector<char>& body, stamp s) {
    std::memcpy(body.data(), &s.sent_ns, 8);
    std::memcpy(body.data() + 8, &s.sequence, 8);
}

stamp read_stamp(const char* data, int length) {
    stamp s;
    if (data != nullptr && length >= 16) {
        std::memcpy(&s.sent_ns, data, 8);
        std::memcpy(&s.sequence, data + 8, 8);
    }
    return s;
}

// -- results ---------------------------------------------------------------

struct phase_result {
    bool ran = false;
    std::uint64_t published = 0;       // measured publishes handed to the client
    std::uint64_t acked = 0;           // measured publishes acknowledged by the stream
    std::uint64_t acked_all = 0;       // the same with the warm-up's
    std::uint64_t errors = 0;          // publishes refused, failed or timed out (any phase)
    std::uint64_t unacknowledged = 0;  // still pending after the drain (async)
    double seconds = 0;                // first measured send -> last measured ack
    histogram latency;                 // send -> ack, measured publishes
    std::string first_error;

    [[nodiscard]] double per_second() const {
        return seconds > 0 ? static_cast<double>(acked) / seconds : 0;
    }
};

nlohmann::json latency_json(const histogram& h) {
    return {{"p50", micros(h.quantile(0.50))},
            {"p99", micros(h.quantile(0.99))},
            {"p99_9", micros(h.quantile(0.999))},
            {"max", micros(h.max())},
            {"count", h.count()}};
}

nlohmann::json phase_json(const phase_result& r, const char* rate_name, const char* latency_name) {
    return {{"published", r.published},
            {"acked", r.acked},
            {"errors", r.errors},
            {"unacknowledged", r.unacknowledged},
            {"seconds", r.seconds},
            {rate_name, r.per_second()},
            {latency_name, latency_json(r.latency)},
            {"first_error", r.first_error}};
}

// -- the asynchronous run --------------------------------------------------

// Shared with libnats' thread that delivers the acknowledgments.
struct async_state {
    mutable std::mutex mutex;
    phase_result* result = nullptr;
    std::uint64_t last_ack_ns = 0;  // of a measured publish
    std::atomic<std::uint64_t> first_measured{UINT64_MAX};
};

void on_async_ack(jsCtx* /*js*/, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* closure) {
    const std::uint64_t now = now_ns();
    auto& state = *static_cast<async_state*>(closure);
    const stamp s = read_stamp(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    const bool measured = s.sequence >= state.first_measured.load(std::memory_order_acquire);
    {
        const std::lock_guard lock(state.mutex);
        phase_result& r = *state.result;
        if (ack != nullptr) {
            ++r.acked_all;
            if (measured) {
                ++r.acked;
                r.latency.record(now - s.sent_ns);
                state.last_ack_ns = std::max(state.last_ack_ns, now);
            }
        } else {
            ++r.errors;
            if (r.first_error.empty() && error != nullptr) {
                r.first_error = error->ErrText != nullptr && *error->ErrText != '\0'
                                    ? error->ErrText
                                    : natsStatus_GetText(error->Err);
            }
        }
    }
    natsMsg_Destroy(msg);  // the handler owns the published message
}

// One reader of the whole stream (--consumers): its own connection and an
// ordered push consumer from the stream's end, counting what it gets.
struct stream_reader {
    nats_connection connection;
    js_context js;
    subscription sub;
    std::atomic<std::uint64_t> received{0};
};

void on_read(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg, void* closure) {
    static_cast<stream_reader*>(closure)->received.fetch_add(1, std::memory_order_relaxed);
    natsMsg_Destroy(msg);
}

class jetstream_run {
  public:
    explicit jetstream_run(const jetstream_options& options) : o_(options) {
        body_.assign(std::max<std::size_t>(o_.size, 16), 'x');
        natsOptions* raw = nullptr;
        check(natsOptions_Create(&raw), "natsOptions_Create");
        options_.reset(raw);
        urls_ = split_servers(o_.servers);
        std::vector<const char*> pointers;
        for (const auto& url : urls_) pointers.push_back(url.c_str());
        check(natsOptions_SetServers(options_.get(), pointers.data(),
                                     static_cast<int>(pointers.size())),
              "natsOptions_SetServers");
        check(natsOptions_SetName(options_.get(), "hookbot-bench jetstream"),
              "natsOptions_SetName");
        check(natsOptions_SetTimeout(options_.get(), 5000), "natsOptions_SetTimeout");
        check(natsOptions_SetSendAsap(options_.get(), o_.send_asap), "natsOptions_SetSendAsap");
        natsConnection* connection = nullptr;
        check(natsConnection_Connect(&connection, options_.get()), "connecting to " + o_.servers);
        connection_.reset(connection);
    }

    void prepare_stream() {
        const js_context js = context(nullptr);
        jsStreamInfo* raw = nullptr;
        jsErrCode code{};
        natsStatus status = js_GetStreamInfo(&raw, js.get(), o_.stream.c_str(), nullptr, &code);
        if (status == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
            if (o_.replicas <= 0) {
                throw std::runtime_error("stream \"" + o_.stream +
                                         "\" does not exist (and --replicas 0: not created)");
            }
            jsStreamConfig config;
            jsStreamConfig_Init(&config);
            const char* subjects[] = {o_.subject.c_str()};
            config.Name = o_.stream.c_str();
            config.Subjects = subjects;
            config.SubjectsLen = 1;
            config.Storage = o_.storage == "memory" ? js_MemoryStorage : js_FileStorage;
            config.Replicas = o_.replicas;
            config.MaxAge = 3600LL * 1'000'000'000;  // a bench's messages need no more
            config.MaxBytes = 1LL << 30;
            status = js_AddStream(&raw, js.get(), &config, nullptr, &code);
            check(status, "creating stream \"" + o_.stream + "\" (JetStream error " +
                              std::to_string(static_cast<int>(code)) + ")");
            created_ = true;
        } else {
            check(status, "stream \"" + o_.stream + "\" (JetStream error " +
                              std::to_string(static_cast<int>(code)) + ")");
        }
        info_.reset(raw);
        start_readers();
    }

    void start_readers() {
        for (std::size_t i = 0; i < o_.consumers; ++i) {
            auto reader = std::make_unique<stream_reader>();
            natsConnection* connection = nullptr;
            check(natsConnection_Connect(&connection, options_.get()),
                  "connecting a reader to " + o_.servers);
            reader->connection.reset(connection);
            jsCtx* js = nullptr;
            check(natsConnection_JetStream(&js, connection, nullptr), "natsConnection_JetStream");
            reader->js.reset(js);
            jsSubOptions options;
            jsSubOptions_Init(&options);
            options.Stream = o_.stream.c_str();
            options.Ordered = true;
            options.Config.DeliverPolicy = js_DeliverNew;
            natsSubscription* sub = nullptr;
            jsErrCode code{};
            check(js_Subscribe(&sub, js, o_.subject.c_str(), on_read, reader.get(), nullptr,
                               &options, &code),
                  "reader of stream \"" + o_.stream + "\"");
            reader->sub.reset(sub);
            // As hookbot's hosts: no client-side limit drops a message.
            natsSubscription_SetPendingLimits(sub, -1, -1);
            readers_.push_back(std::move(reader));
        }
    }

    // After the publishing: until every reader got every acknowledged
    // publish, at most --drain seconds. The fewest any reader got.
    std::uint64_t wait_for_readers() {
        if (readers_.empty()) return 0;
        const std::uint64_t wanted = readers_wanted();
        const std::uint64_t deadline = now_ns() + seconds_ns(o_.drain);
        std::uint64_t fewest = 0;
        for (;;) {
            fewest = UINT64_MAX;
            for (const auto& reader : readers_) {
                fewest = std::min(fewest, reader->received.load(std::memory_order_relaxed));
            }
            if (fewest >= wanted || now_ns() >= deadline) break;
            nats_Sleep(10);
        }
        return fewest;
    }

    void run_async() {
        async_.result = &async_result_;
        async_result_.ran = true;
        jsOptions options;
        jsOptions_Init(&options);
        options.Wait = milliseconds(o_.ack_timeout);
        options.PublishAsync.MaxPending = static_cast<std::int64_t>(o_.in_flight);
        options.PublishAsync.AckHandler = on_async_ack;
        options.PublishAsync.AckHandlerClosure = &async_;
        options.PublishAsync.StallWait = milliseconds(o_.ack_timeout);
        const js_context js = context(&options);
        jsPubOptions publish;
        jsPubOptions_Init(&publish);
        publish.MaxWait = milliseconds(o_.ack_timeout);

        std::uint64_t sequence = 0;
        const std::uint64_t start = now_ns();
        const std::uint64_t warm_end = start + seconds_ns(o_.warmup);
        std::uint64_t end = 0;
        std::uint64_t first_send = 0;
        for (;;) {
            const std::uint64_t now = now_ns();
            if (first_send == 0 && now >= warm_end) {
                first_send = now;
                end = now + seconds_ns(o_.duration);
                async_.first_measured.store(sequence, std::memory_order_release);
                begin_measuring("async");
            }
            if (first_send != 0 &&
                (now >= end || (o_.messages > 0 && async_result_.published >= o_.messages))) {
                break;
            }
            write_stamp(body_, {now, sequence});
            // Blocks while --in-flight publishes wait for their acknowledgment.
            const natsStatus status = js_PublishAsync(js.get(), o_.subject.c_str(), body_.data(),
                                                      static_cast<int>(body_.size()), &publish);
            if (status != NATS_OK) {
                const std::lock_guard lock(async_.mutex);
                ++async_result_.errors;
                if (async_result_.first_error.empty())
                    async_result_.first_error = nats_error(status);
                if (status != NATS_TIMEOUT) break;  // not a stall: the connection is gone
                continue;
            }
            if (first_send != 0) ++async_result_.published;
            ++sequence;
        }
        end_measuring();
        jsPubOptions drain;
        jsPubOptions_Init(&drain);
        drain.MaxWait = milliseconds(o_.drain);
        if (js_PublishAsyncComplete(js.get(), &drain) != NATS_OK) {
            natsMsgList pending{};
            if (js_PublishAsyncGetPendingList(&pending, js.get()) == NATS_OK) {
                const std::lock_guard lock(async_.mutex);
                async_result_.unacknowledged = static_cast<std::uint64_t>(pending.Count);
                natsMsgList_Destroy(&pending);
            }
        }
        const std::lock_guard lock(async_.mutex);
        if (async_.last_ack_ns > first_send) {
            async_result_.seconds = static_cast<double>(async_.last_ack_ns - first_send) / 1e9;
        }
    }

    void run_sync() {
        sync_result_.ran = true;
        jsOptions options;
        jsOptions_Init(&options);
        options.Wait = milliseconds(o_.ack_timeout);
        const js_context js = context(&options);
        jsPubOptions publish;
        jsPubOptions_Init(&publish);
        publish.MaxWait = milliseconds(o_.ack_timeout);

        std::uint64_t sequence = 0;
        const std::uint64_t start = now_ns();
        const std::uint64_t warm_end = start + seconds_ns(o_.warmup);
        std::uint64_t end = 0;
        std::uint64_t first_send = 0;
        std::uint64_t last_ack = 0;
        for (;;) {
            const std::uint64_t now = now_ns();
            if (first_send == 0 && now >= warm_end) {
                first_send = now;
                end = now + seconds_ns(o_.duration);
                begin_measuring("sync");
            }
            if (first_send != 0 &&
                (now >= end || (o_.messages > 0 && sync_result_.published >= o_.messages))) {
                break;
            }
            write_stamp(body_, {now, sequence++});
            jsPubAck* ack = nullptr;
            jsErrCode code{};
            const natsStatus status = js_Publish(&ack, js.get(), o_.subject.c_str(), body_.data(),
                                                 static_cast<int>(body_.size()), &publish, &code);
            const std::uint64_t answered = now_ns();
            jsPubAck_Destroy(ack);
            if (status != NATS_OK) {
                ++sync_result_.errors;
                if (sync_result_.first_error.empty()) sync_result_.first_error = nats_error(status);
                if (status != NATS_TIMEOUT && code == 0) break;  // the connection is gone
                continue;
            }
            ++sync_result_.acked_all;
            if (first_send == 0) continue;
            ++sync_result_.published;
            ++sync_result_.acked;
            sync_result_.latency.record(answered - now);
            last_ack = answered;
        }
        end_measuring();
        if (last_ack > first_send) {
            sync_result_.seconds = static_cast<double>(last_ack - first_send) / 1e9;
        }
    }

    void finish() {
        read_fewest_ = wait_for_readers();
        readers_.clear();
        if (o_.delete_stream) {
            const js_context js = context(nullptr);
            jsErrCode code{};
            const natsStatus status = js_DeleteStream(js.get(), o_.stream.c_str(), nullptr, &code);
            if (status != NATS_OK) {
                std::cerr << "hookbot-bench jetstream: deleting stream \"" << o_.stream
                          << "\": " << nats_error(status) << "\n";
            }
        }
        connection_.reset();
    }

    [[nodiscard]] bool healthy() const {
        for (const phase_result* r : {&async_result_, &sync_result_}) {
            if (!r->ran) continue;
            if (r->errors != 0 || r->unacknowledged != 0 || r->acked == 0) return false;
        }
        return readers_wanted() <= read_fewest_;
    }

    void print_json(std::ostream& out) const {
        nlohmann::json j = {
            {"servers", o_.servers},
            {"stream", o_.stream},
            {"subject", o_.subject},
            {"stream_created", created_},
            {"size", body_.size()},
            {"in_flight", o_.in_flight},
            {"send_asap", o_.send_asap},
            {"consumers", o_.consumers},
            {"consumed_fewest", read_fewest_},
            {"consumed_wanted", readers_wanted()},
            {"cpu_seconds", cpu_seconds_},
            {"wall_seconds", wall_seconds_},
            {"cpu_percent", wall_seconds_ > 0 ? 100.0 * cpu_seconds_ / wall_seconds_ : 0.0},
        };
        if (info_ && info_->Config != nullptr) {
            j["stream_replicas"] = info_->Config->Replicas;
            j["stream_storage"] = info_->Config->Storage == js_MemoryStorage ? "memory" : "file";
        }
        if (info_ && info_->Cluster != nullptr && info_->Cluster->Leader != nullptr) {
            j["stream_leader"] = info_->Cluster->Leader;
        }
        if (async_result_.ran)
            j["async"] = phase_json(async_result_, "acks_per_s", "ack_latency_us");
        if (sync_result_.ran) j["sync"] = phase_json(sync_result_, "publishes_per_s", "rtt_us");
        out << j.dump() << "\n";
    }

    void print_table(std::ostream& out) const {
        const auto row = [&out](const char* name, auto value, const char* unit = "") {
            out << "  " << std::left << std::setw(28) << name << std::right << std::setw(14)
                << value << " " << unit << "\n";
        };
        out << std::fixed << std::setprecision(1);
        out << "hookbot-bench jetstream " << o_.servers << ": stream " << o_.stream << " ("
            << (created_ ? "created" : "existing");
        if (info_ && info_->Config != nullptr) {
            out << ", " << info_->Config->Replicas << " replicas, "
                << (info_->Config->Storage == js_MemoryStorage ? "memory" : "file");
        }
        out << "), subject " << o_.subject << ", " << body_.size() << " B\n";
        if (async_result_.ran) {
            const phase_result& r = async_result_;
            out << "js_PublishAsync, " << o_.in_flight << " in flight:\n";
            row("published", r.published);
            row("acknowledged", r.acked);
            row("errors", r.errors);
            row("unacknowledged", r.unacknowledged);
            row("acknowledged publishes/s", r.per_second());
            row("ack latency p50", micros(r.latency.quantile(0.50)), "us");
            row("ack latency p99", micros(r.latency.quantile(0.99)), "us");
        }
        if (sync_result_.ran) {
            const phase_result& r = sync_result_;
            out << "js_Publish, one at a time:\n";
            row("acknowledged", r.acked);
            row("errors", r.errors);
            row("publishes/s", r.per_second());
            row("round trip p50", micros(r.latency.quantile(0.50)), "us");
            row("round trip p99", micros(r.latency.quantile(0.99)), "us");
            row("round trip max", micros(r.latency.max()), "us");
        }
        for (const phase_result* r : {&async_result_, &sync_result_}) {
            if (!r->first_error.empty()) out << "  first error: " << r->first_error << "\n";
        }
        if (o_.consumers > 0) {
            out << o_.consumers << " ordered consumers reading the stream:\n";
            row("fewest messages read", read_fewest_);
            row("messages acknowledged", readers_wanted());
        }
        row("bench cpu (all threads)", cpu_seconds_, "s");
        row("bench cpu / wall", wall_seconds_ > 0 ? 100.0 * cpu_seconds_ / wall_seconds_ : 0.0,
            "% of one core");
    }

  private:
    js_context context(jsOptions* options) const {
        jsCtx* js = nullptr;
        check(natsConnection_JetStream(&js, connection_.get(), options),
              "natsConnection_JetStream");
        return js_context(js);
    }

    void begin_measuring(const char* what) {
        phase_cpu_ = process_cpu_ns();
        phase_wall_ = now_ns();
        std::cerr << "hookbot-bench jetstream: measuring " << what << std::endl;
    }

    void end_measuring() {
        cpu_seconds_ += static_cast<double>(process_cpu_ns() - phase_cpu_) / 1e9;
        wall_seconds_ += static_cast<double>(now_ns() - phase_wall_) / 1e9;
        std::cerr << "hookbot-bench jetstream: measured phase over" << std::endl;
    }

    const jetstream_options& o_;
    std::vector<std::string> urls_;
    std::vector<char> body_;
    nats_options options_;
    nats_connection connection_;
    stream_info info_;
    bool created_ = false;
    // Every acknowledged publish, the warm-ups' too (the readers start before).
    [[nodiscard]] std::uint64_t readers_wanted() const {
        if (o_.consumers == 0) return 0;
        const std::lock_guard lock(async_.mutex);  // a late ack handler may still count
        return async_result_.acked_all + sync_result_.acked_all;
    }

    std::vector<std::unique_ptr<stream_reader>> readers_;
    std::uint64_t read_fewest_ = 0;
    async_state async_;
    phase_result async_result_;
    phase_result sync_result_;
    std::uint64_t phase_cpu_ = 0;
    std::uint64_t phase_wall_ = 0;
    double cpu_seconds_ = 0;   // this process, all threads, over the measured phases
    double wall_seconds_ = 0;  // the same phases, wall clock
};

}  // namespace

std::optional<jetstream_options> parse_jetstream_options(int argc, char** argv, int& exit_code) {
    exit_code = 2;
    jetstream_options o;
    po::options_description desc(
        "hookbot-bench jetstream [options]: JetStream's own publish figures through libnats\n"
        "(acknowledged publishes/s with many in flight, one synchronous publish's round trip)");
    desc.add_options()("help,h", "this text")("servers",
                                              po::value(&o.servers)->default_value(o.servers),
                                              "NATS servers, comma-separated nats://HOST:PORT")(
        "stream", po::value(&o.stream)->default_value(o.stream), "JetStream stream")(
        "subject", po::value(&o.subject), "subject to publish to (default: bench.<stream>)")(
        "replicas", po::value(&o.replicas)->default_value(o.replicas),
        "replicas of the stream when it has to be created (0: it must exist)")(
        "storage", po::value(&o.storage)->default_value(o.storage),
        "file or memory, when the stream has to be created")(
        "mode", po::value(&o.mode)->default_value(o.mode),
        "async (js_PublishAsync), sync (js_Publish) or both (async first)")(
        "in-flight", po::value(&o.in_flight)->default_value(o.in_flight),
        "async: most publishes waiting for their acknowledgment at once")(
        "size", po::value(&o.size)->default_value(o.size), "body bytes (min 16)")(
        "duration,d", po::value(&o.duration)->default_value(o.duration),
        "measured seconds, per mode")("messages,n",
                                      po::value(&o.messages)->default_value(o.messages),
                                      "at most N measured publishes per mode (0: no limit)")(
        "warmup", po::value(&o.warmup)->default_value(o.warmup),
        "seconds published but not measured, per mode")(
        "drain", po::value(&o.drain)->default_value(o.drain),
        "seconds to wait for the last acknowledgments")(
        "ack-timeout", po::value(&o.ack_timeout)->default_value(o.ack_timeout),
        "seconds one publish may wait for its acknowledgment")(
        "delete-stream", po::bool_switch(&o.delete_stream), "delete the stream at the end")(
        "consumers", po::value(&o.consumers)->default_value(o.consumers),
        "readers of the whole stream meanwhile, each an ordered push consumer on its own "
        "connection (as every hookbot host of a cluster runs one)")(
        "send-asap", po::bool_switch(&o.send_asap),
        "natsOptions_SetSendAsap: write each publish at once (by default libnats' flusher "
        "thread waits up to 1 ms to batch asynchronous publishes)")(
        "pin", po::value(&o.pin), "CPU list to pin the bench (and libnats' threads) to")(
        "json", po::bool_switch(&o.json), "print one JSON object instead of the table");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "hookbot-bench jetstream: " << e.what() << "\n" << desc;
        return std::nullopt;
    }
    if (vm.count("help") != 0) {
        std::cout << desc;
        exit_code = 0;
        return std::nullopt;
    }
    if (o.mode != "async" && o.mode != "sync" && o.mode != "both") {
        std::cerr << "hookbot-bench jetstream: --mode is async, sync or both\n";
        return std::nullopt;
    }
    if (o.storage != "file" && o.storage != "memory") {
        std::cerr << "hookbot-bench jetstream: --storage is file or memory\n";
        return std::nullopt;
    }
    if (o.subject.empty()) o.subject = "bench." + o.stream;
    if (o.size < 16) o.size = 16;
    if (o.in_flight == 0) o.in_flight = 1;
    return o;
}

int run_jetstream(int argc, char** argv) {
    int exit_code = 0;
    const auto options = parse_jetstream_options(argc, argv, exit_code);
    if (!options) return exit_code;
    // Before libnats starts its threads: they inherit the affinity.
    if (!options->pin.empty()) pin_to_cpus(options->pin);
    check(nats_Open(-1), "nats_Open");
    int status = 0;
    try {
        jetstream_run run(*options);
        run.prepare_stream();
        if (options->mode != "sync") run.run_async();
        if (options->mode != "async") run.run_sync();
        run.finish();
        if (options->json) {
            run.print_json(std::cout);
        } else {
            run.print_table(std::cout);
        }
        status = run.healthy() ? 0 : 1;
    } catch (...) {
        nats_Close();
        throw;
    }
    nats_Close();
    return status;
}

}  // namespace hookbot::bench
