#include "options.hpp"

#include <boost/program_options.hpp>
#include <ostream>

namespace hookbot::acceptor {
namespace {

namespace po = boost::program_options;

struct raw_options {
    std::string token_hash = "any";
    std::string metrics_allow = "loopback";
    double counters_log_period_s = 60;
    double read_timeout_s = 30;
    double idle_timeout_s = 120;
    double shutdown_timeout_s = 2;
    std::uint64_t max_body_bytes = 0;
    bool help = false;
};

po::options_description describe(acceptor_options& o, raw_options& raw) {
    po::options_description d("hookbot-acceptor options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&raw.help), "show this help")
        ("instance", po::value(&o.instance)->required(), "name of the shared-memory bus to write")
        ("listen-fd", po::value(&o.listen_fd),
            "inherited listening TCP socket (kept by the supervisor); none with built-in TLS, "
            "where the workers accept and forward requests over the control socket")
        ("control-fd", po::value(&o.control_fd)->required(),
            "inherited listening SOCK_SEQPACKET Unix socket where fanout workers connect")
        ("key", po::value(&o.key), "token key (default: $HOOKBOT_KEY; prefer the environment)")
        ("token-hash", po::value(&raw.token_hash)->default_value(raw.token_hash),
            "tokens accepted: any, sha256 or sha1")
        ("max-header-bytes",
            po::value(&o.limits.max_header_bytes)->default_value(o.limits.max_header_bytes),
            "largest request line plus header fields (larger: 431)")
        ("max-body-bytes", po::value(&raw.max_body_bytes),
            "largest publish body (larger: 413); default and upper bound: the bus's largest body")
        ("read-timeout", po::value(&raw.read_timeout_s)->default_value(raw.read_timeout_s),
            "seconds for a request head to arrive, and the longest pause inside a body")
        ("idle-timeout", po::value(&raw.idle_timeout_s)->default_value(raw.idle_timeout_s),
            "seconds a keep-alive connection may wait for its next request")
        ("discard-body-bytes",
            po::value(&o.limits.discard_body_bytes)->default_value(o.limits.discard_body_bytes),
            "a refused request's body up to this size is read so the connection stays open")
        ("shutdown-timeout",
            po::value(&raw.shutdown_timeout_s)->default_value(raw.shutdown_timeout_s),
            "seconds SIGTERM leaves requests in flight to finish")
        ("max-queued-handoffs",
            po::value(&o.max_queued_handoffs)->default_value(o.max_queued_handoffs),
            "subscribers queued per worker whose control socket is full")
        ("metrics-allow", po::value(&raw.metrics_allow)->default_value(raw.metrics_allow),
            "who may read /metrics: any; loopback (loopback peers, others with a token for "
            "/metrics); token (a token for /metrics)")
        ("counters-log-period",
            po::value(&raw.counters_log_period_s)->default_value(raw.counters_log_period_s),
            "seconds between two log lines of the server's counters");
    // clang-format on
    return d;
}

std::chrono::milliseconds to_duration(double seconds, const char* name) {
    if (!(seconds > 0) || seconds > 86400 * 365) {
        throw po::error(std::string("--") + name + " must be a positive number of seconds");
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::optional<auth::hash_kind> to_hash(const std::string& name) {
    if (name == "any") return std::nullopt;
    if (name == "sha256") return auth::hash_kind::sha256;
    if (name == "sha1") return auth::hash_kind::sha1;
    throw po::error("--token-hash must be any, sha256 or sha1, not \"" + name + "\"");
}

}  // namespace

parsed_options parse_options(const std::vector<std::string>& args, const char* key_from_environment,
                             std::ostream& out, std::ostream& err) {
    acceptor_options options;
    raw_options raw;
    const auto description = describe(options, raw);
    try {
        po::variables_map values;
        po::store(po::command_line_parser(args).options(description).run(), values);
        if (raw.help) {
            out << description;
            return {std::nullopt, 0};
        }
        po::notify(values);
        options.only_hash = to_hash(raw.token_hash);
        options.limits.read_timeout = to_duration(raw.read_timeout_s, "read-timeout");
        options.limits.idle_timeout = to_duration(raw.idle_timeout_s, "idle-timeout");
        options.shutdown_timeout = to_duration(raw.shutdown_timeout_s, "shutdown-timeout");
        if (values.count("max-body-bytes") != 0) {
            options.limits.max_body_bytes = raw.max_body_bytes;
            options.max_body_given = true;
        }
        if (options.max_queued_handoffs == 0) throw po::error("--max-queued-handoffs must be > 0");
        const auto access = parse_metrics_access(raw.metrics_allow);
        if (!access) throw po::error("--metrics-allow must be any, loopback or token");
        options.metrics_allow = *access;
        if (!(raw.counters_log_period_s >= 1) || raw.counters_log_period_s > 86400) {
            throw po::error("--counters-log-period must be 1 to 86400 seconds");
        }
        options.counters_log_period =
            std::chrono::seconds(static_cast<std::int64_t>(raw.counters_log_period_s));
    } catch (const po::error& e) {
        err << "hookbot-acceptor: " << e.what() << "\n" << description;
        return {std::nullopt, exit_fatal_config};
    }
    if (options.key.empty() && key_from_environment != nullptr) {
        options.key = key_from_environment;
    }
    if (options.key.empty()) {
        err << "HOOKBOT_KEY not set\n";
        return {std::nullopt, exit_fatal_config};
    }
    return {std::move(options), 0};
}

}  // namespace hookbot::acceptor
