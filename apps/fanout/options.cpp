#include "options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

namespace hookbot::fanout {
namespace po = boost::program_options;

namespace {

struct raw_options {
    std::uint32_t slot = 0;
    std::string overflow = "drop";
    unsigned write_timeout = 90;
    unsigned ping_interval = 30;
    unsigned ping_timeout = 40;
    int listen_fd = -1;
    double header_timeout = 30;
    double body_timeout = 60;
    double slow_after = 0.5;
    std::string attach;
};

po::options_description describe(fanout_options& o, raw_options& raw) {
    po::options_description d("hookbot-fanout options");
    const subscriber_limits defaults;
    // clang-format off
    d.add_options()
        ("help,h", "show this help")
        ("attach", po::value(&raw.attach),
            "join a running instance through its control socket PATH: the instance is asked "
            "of the acceptor, the slot is the first free one (instead of --instance, --control)")
        ("instance", po::value(&o.instance), "name of the shared-memory bus")
        ("slot", po::value(&raw.slot),
            "index of this worker's slot in the bus (default: the first free one)")
        ("control", po::value(&o.control),
            "the acceptor's control socket (Unix, SOCK_SEQPACKET)")
        ("queue-messages",
            po::value(&o.limits.queue.max_messages)->default_value(defaults.queue.max_messages),
            "most messages queued to one subscriber")
        ("queue-bytes",
            po::value(&o.limits.queue.max_bytes)->default_value(defaults.queue.max_bytes),
            "most bytes queued to one subscriber (one larger message is still sent alone)")
        ("overflow", po::value(&raw.overflow)->default_value(raw.overflow),
            "when a subscriber's queue is full: drop (the message, counted) or close (1008)")
        ("slow-after", po::value(&raw.slow_after)->default_value(raw.slow_after),
            "seconds a subscriber's queue may stay over its high watermark (half full, at most 256 "
            "messages or 1 MiB) and hold this worker back "
            "(and through it the publishers); behind longer, it is slow and loses what "
            "overflows its queue (0: never hold back)")
        ("write-timeout", po::value(&raw.write_timeout)->default_value(raw.write_timeout),
            "seconds one write may take before the subscriber is closed")
        ("ping-interval", po::value(&raw.ping_interval)->default_value(raw.ping_interval),
            "seconds of client silence before the worker pings it")
        ("ping-timeout", po::value(&raw.ping_timeout)->default_value(raw.ping_timeout),
            "seconds of client silence before the worker closes it (> ping-interval)")
        ("max-client-message",
            po::value(&o.limits.max_client_message)->default_value(defaults.max_client_message),
            "largest websocket message a client may send, in bytes (larger: close 1009)")
        ("max-subscribers", po::value(&o.max_subscribers)->default_value(o.max_subscribers),
            "subscribers this worker takes; one more gets 503 with Retry-After")
        ("max-header-bytes",
            po::value(&o.http.max_header_bytes)->default_value(o.http.max_header_bytes),
            "built-in TLS: largest request line plus header fields (larger: 431)")
        ("header-timeout", po::value(&raw.header_timeout)->default_value(raw.header_timeout),
            "built-in TLS: seconds for a whole request head to arrive (else 408)")
        ("body-timeout", po::value(&raw.body_timeout)->default_value(raw.body_timeout),
            "built-in TLS: seconds for a whole publish body to arrive after its head (else 408)")
        ("max-connections",
            po::value(&o.http.max_connections)->default_value(o.http.max_connections),
            "built-in TLS: client connections this worker holds before they subscribe; one "
            "more is closed at once")
        ("listen-fd", po::value(&raw.listen_fd),
            "built-in TLS: the inherited public listening socket, shared by the workers")
        ("tls-cert", po::value(&o.tls_cert), "built-in TLS: certificate chain (PEM)")
        ("tls-key", po::value(&o.tls_key), "built-in TLS: private key (PEM)");
    // clang-format on
    return d;
}

std::string check(const fanout_options& o, const raw_options& raw, bool slot_given) {
    if (!raw.attach.empty()) {
        if (!o.instance.empty() || !o.control.empty() || slot_given) {
            return "--attach learns the instance, the control socket and the slot: "
                   "--instance, --control and --slot do not go with it";
        }
        if (raw.listen_fd >= 0 || !o.tls_cert.empty() || !o.tls_key.empty()) {
            return "--attach does not go with built-in TLS (--listen-fd, --tls-cert, --tls-key): "
                   "only serve's own workers share its TLS socket";
        }
    } else if (o.instance.empty() || o.control.empty()) {
        return "give --instance and --control, or --attach PATH";
    }
    if (raw.overflow != "drop" && raw.overflow != "close") {
        return "--overflow must be drop or close, not \"" + raw.overflow + "\"";
    }
    if (o.limits.queue.max_messages == 0) return "--queue-messages must be at least 1";
    if (o.limits.queue.max_bytes == 0) return "--queue-bytes must be at least 1";
    if (!(raw.slow_after >= 0) || raw.slow_after > 3600) {
        return "--slow-after must be between 0 and 3600 seconds";
    }
    if (raw.write_timeout == 0) return "--write-timeout must be at least 1";
    if (raw.ping_interval == 0) return "--ping-interval must be at least 1";
    if (raw.ping_timeout <= raw.ping_interval) {
        return "--ping-timeout must be greater than --ping-interval";
    }
    if (o.limits.max_client_message == 0) return "--max-client-message must be at least 1";
    if (o.max_subscribers == 0) return "--max-subscribers must be at least 1";
    if (o.http.max_connections == 0) return "--max-connections must be at least 1";
    if (o.http.max_header_bytes < 1024 || o.http.max_header_bytes > 64 * 1024) {
        return "--max-header-bytes must be between 1024 and 65536";
    }
    for (const double seconds : {raw.header_timeout, raw.body_timeout}) {
        if (!(seconds > 0) || seconds > 86400) {
            return "--header-timeout and --body-timeout must be between 0 and 86400 seconds";
        }
    }
    const bool tls = raw.listen_fd >= 0;
    if (tls != !o.tls_cert.empty() || tls != !o.tls_key.empty()) {
        return "--listen-fd, --tls-cert and --tls-key go together (built-in TLS)";
    }
    return {};
}

}  // namespace

command_line parse_command_line(const std::vector<std::string>& args) {
    command_line cl;
    raw_options raw;
    const po::options_description description = describe(cl.options, raw);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(description).run(), vm);
        if (vm.count("help") != 0) {
            std::ostringstream help;
            help << "Usage: hookbot-fanout --instance NAME --control PATH [--slot K] [options]\n"
                 << "       hookbot-fanout --attach PATH [options]\n"
                 << description;
            cl.result = command_line::outcome::help;
            cl.text = help.str();
            return cl;
        }
        po::notify(vm);
        if (vm.count("slot") != 0) cl.options.slot = raw.slot;
        if (raw.listen_fd >= 0) cl.options.listen_fd = raw.listen_fd;
    } catch (const po::error& e) {
        cl.result = command_line::outcome::error;
        cl.text = e.what();
        return cl;
    }
    if (std::string problem = check(cl.options, raw, cl.options.slot.has_value());
        !problem.empty()) {
        cl.result = command_line::outcome::error;
        cl.text = std::move(problem);
        return cl;
    }
    if (!raw.attach.empty()) {
        cl.options.attach = true;
        cl.options.control = raw.attach;
    }
    auto& limits = cl.options.limits;
    limits.queue.overflow = raw.overflow == "drop" ? overflow_policy::drop : overflow_policy::close;
    limits.write_timeout = std::chrono::seconds(raw.write_timeout);
    limits.ping_interval = std::chrono::seconds(raw.ping_interval);
    limits.ping_timeout = std::chrono::seconds(raw.ping_timeout);
    const auto milliseconds = [](double seconds) {
        return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
    };
    cl.options.http.header_timeout = milliseconds(raw.header_timeout);
    cl.options.http.body_timeout = milliseconds(raw.body_timeout);
    cl.options.slow_after = milliseconds(raw.slow_after);
    return cl;
}

}  // namespace hookbot::fanout
