#include "options.hpp"

#include <boost/program_options.hpp>
#include <ostream>
#include <stdexcept>

#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/limits/limit_option.hpp"
#include "hookbot/version/version.hpp"

namespace hookbot::acceptor {
namespace {

namespace po = boost::program_options;

struct raw_options {
    std::string token_hash = "any";
    std::string metrics_allow = "loopback";
    std::string ui = "on";
    double counters_log_period_s = 60;
    double shutdown_timeout_s = 2;
    std::vector<std::string> routers;
    std::uint64_t max_body_bytes = 0;
    cluster::cluster_flags cluster;
};

po::options_description describe(acceptor_options& o, raw_options& raw) {
    po::options_description d("hookbot-acceptor options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(), "show this help")
        ("version,v", po::bool_switch(), "show the version and commit")
        ("instance", po::value(&o.instance)->required(), "name of the shared-memory bus to write")
        ("bus-dir", po::value(&o.bus_dir), "the folder of the bus's rings file (serve --bus-dir)")
        ("listen-fd", po::value(&o.listen_fd),
            "inherited listening TCP socket (kept by the supervisor); none with built-in TLS, "
            "where the workers accept and forward requests over the control socket")
        ("control-fd", po::value(&o.control_fd)->required(),
            "inherited listening SOCK_SEQPACKET Unix socket where fanout workers connect")
        ("ready-fd", po::value(&o.ready_fd)->default_value(o.ready_fd),
            "inherited pipe: one byte is written to it once serving with a worker joined "
            "(the supervisor's cue for systemd's READY=1); -1: none")
        ("key", po::value(&o.key), "token key (default: $HOOKBOT_KEY; prefer the environment)")
        ("key-file", po::value(&o.key_file),
            "file of token keys, one per line, re-read on SIGHUP (default: none, the key above)")
        ("token-hash", po::value(&raw.token_hash)->default_value(raw.token_hash),
            "tokens accepted: any, sha256 or sha1")
        ("max-body-bytes", po::value(&raw.max_body_bytes),
            "largest publish body (larger: 413); default and upper bound: the bus's largest body")
        ("discard-body-bytes",
            po::value(&o.limits.discard_body_bytes)->default_value(o.limits.discard_body_bytes),
            "a refused request's body up to this size is read so the connection stays open")
        ("shutdown-timeout",
            po::value(&raw.shutdown_timeout_s)->default_value(raw.shutdown_timeout_s),
            "seconds SIGTERM leaves requests in flight to finish")
        ("max-queued-handoffs",
            po::value(&o.max_queued_handoffs)->default_value(o.max_queued_handoffs),
            "subscribers queued per worker whose control socket is full")
        ("router", po::value(&raw.routers)->composing(),
            "enable a router (repeatable): github, which needs $HOOKBOT_GITHUB_SECRET")
        ("metrics-allow", po::value(&raw.metrics_allow)->default_value(raw.metrics_allow),
            "who may read /metrics: any; loopback (loopback peers, others with a token for "
            "/metrics); token (a token for /metrics)")
        ("ui", po::value(&raw.ui)->default_value(raw.ui),
            "the inspector page under /ui/: on or off (off: /ui/... are root-endpoint topics)")
        ("counters-log-period",
            po::value(&raw.counters_log_period_s)->default_value(raw.counters_log_period_s),
            "seconds between two log lines of the server's counters");
    // clang-format on
    po::options_description limits_given("limits (the same as hookbot serve's)");
    limits::add_option(limits_given, limits::max_header_bytes, o.limits.max_header_bytes);
    limits::add_option(limits_given, limits::max_header_fields, o.limits.max_header_fields);
    limits::add_option(limits_given, limits::max_url_bytes, o.limits.max_url_bytes);
    limits::add_option(limits_given, limits::header_timeout, o.limits.header_timeout);
    limits::add_option(limits_given, limits::body_timeout, o.limits.body_timeout);
    limits::add_option(limits_given, limits::idle_timeout, o.limits.idle_timeout);
    limits::add_option(limits_given, limits::max_connections, o.limits.max_connections);
    limits::add_option(limits_given, limits::max_publish_wait, o.max_publish_wait);
    limits::add_option(limits_given, limits::publish_window, o.publish_window);
    d.add(limits_given);
    d.add(raw.cluster.describe());
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
        // Before notify(), which would fail on the missing required options
        // (and is what sets the bound switches).
        if (values["help"].as<bool>()) {
            out << description;
            return {std::nullopt, 0};
        }
        if (values["version"].as<bool>()) {
            out << version::line("hookbot-acceptor");
            return {std::nullopt, 0};
        }
        po::notify(values);
        options.only_hash = to_hash(raw.token_hash);
        options.shutdown_timeout = to_duration(raw.shutdown_timeout_s, "shutdown-timeout");
        if (values.count("max-body-bytes") != 0) {
            options.limits.max_body_bytes = raw.max_body_bytes;
            options.max_body_given = true;
        }
        if (options.max_queued_handoffs == 0) throw po::error("--max-queued-handoffs must be > 0");
        for (const std::string& router : raw.routers) {
            if (router != "github") {
                throw po::error("unknown --router \"" + router + "\" (known: github)");
            }
            options.github_router = true;
        }
        const auto access = parse_metrics_access(raw.metrics_allow);
        if (!access) throw po::error("--metrics-allow must be any, loopback or token");
        options.metrics_allow = *access;
        if (raw.ui != "on" && raw.ui != "off") throw po::error("--ui must be on or off");
        options.ui_enabled = raw.ui == "on";
        if (!(raw.counters_log_period_s >= 1) || raw.counters_log_period_s > 86400) {
            throw po::error("--counters-log-period must be 1 to 86400 seconds");
        }
        options.counters_log_period =
            std::chrono::seconds(static_cast<std::int64_t>(raw.counters_log_period_s));
        try {
            options.cluster = raw.cluster.check();
        } catch (const std::invalid_argument& e) {
            throw po::error(e.what());
        }
    } catch (const po::error& e) {
        err << "hookbot-acceptor: " << e.what() << "\n" << description;
        return {std::nullopt, exit_fatal_config};
    }
    if (!options.key_file.empty()) {
        if (!options.key.empty()) {
            err << "hookbot-acceptor: give --key or --key-file, not both\n";
            return {std::nullopt, exit_fatal_config};
        }
    } else if (options.key.empty() && key_from_environment != nullptr) {
        options.key = key_from_environment;
    }
    if (options.key.empty() && options.key_file.empty()) {
        err << "HOOKBOT_KEY not set\n";
        return {std::nullopt, exit_fatal_config};
    }
    return {std::move(options), 0};
}

}  // namespace hookbot::acceptor
