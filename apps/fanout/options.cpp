#include "options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "hookbot/limits/client_limits.hpp"
#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/limits/limit_option.hpp"
#include "hookbot/version/version.hpp"

namespace hookbot::fanout {
namespace po = boost::program_options;

namespace {

struct raw_options {
    std::uint32_t slot = 0;
    std::string overflow;
    int listen_fd = -1;
    std::string attach;
};

po::options_description describe(fanout_options& o, raw_options& raw) {
    po::options_description d("hookbot-fanout options");
    const subscriber_limits defaults;
    // clang-format off
    d.add_options()
        ("help,h", "show this help")
        ("version,v", "show the version and commit")
        ("attach", po::value(&raw.attach),
            "join a running instance through its control socket PATH: the instance is asked "
            "of the acceptor, the slot is the first free one (instead of --instance, --control)")
        ("instance", po::value(&o.instance), "name of the shared-memory bus")
        ("bus-dir", po::value(&o.bus_dir), "the folder of the bus's rings file (serve --bus-dir)")
        ("slot", po::value(&raw.slot),
            "index of this worker's slot in the bus (default: the first free one)")
        ("control", po::value(&o.control),
            "the acceptor's control socket (Unix, SOCK_SEQPACKET)")
        ("listen-fd", po::value(&raw.listen_fd),
            "built-in TLS: the inherited public listening socket, shared by the workers")
        ("tls-cert", po::value(&o.tls_cert), "built-in TLS: certificate chain (PEM)")
        ("tls-key", po::value(&o.tls_key), "built-in TLS: private key (PEM)");
    // clang-format on
    po::options_description limits_given(
        "limits (the same as hookbot serve's; the HTTP ones for "
        "built-in TLS)");
    limits::add_option(limits_given, limits::queue_messages, o.limits.queue.max_messages);
    limits::add_option(limits_given, limits::queue_bytes, o.limits.queue.max_bytes);
    limits::add_option(limits_given, limits::slow_after, o.slow_after);
    limits::add_option(limits_given, limits::retention_age, o.retention_age);
    limits::add_option(limits_given, limits::overflow, raw.overflow);
    limits::add_option(limits_given, limits::write_timeout, o.limits.write_timeout);
    limits::add_option(limits_given, limits::ping_interval, o.limits.ping_interval);
    limits::add_option(limits_given, limits::ping_timeout, o.limits.ping_timeout);
    limits::add_option(limits_given, limits::max_client_message, o.limits.max_client_message);
    limits::add_option(limits_given, limits::max_subscribers, o.max_subscribers);
    limits::add_option(limits_given, limits::max_header_bytes, o.http.max_header_bytes);
    limits::add_option(limits_given, limits::header_timeout, o.http.header_timeout);
    limits::add_option(limits_given, limits::body_timeout, o.http.body_timeout);
    limits::add_option(limits_given, limits::idle_timeout, o.http.idle_timeout);
    limits::add_option(limits_given, limits::max_connections, o.http.max_connections);
    d.add(limits_given);
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
    if (o.limits.ping_timeout <= o.limits.ping_interval) {
        return "--ping-timeout must be greater than --ping-interval";
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
        if (vm.count("version") != 0) {
            cl.result = command_line::outcome::help;  // printed, then exit 0
            cl.text = version::line("hookbot-fanout");
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
    auto& subscriber = cl.options.limits;
    subscriber.queue.overflow =
        raw.overflow == "drop" ? overflow_policy::drop : overflow_policy::close;
    return cl;
}

}  // namespace hookbot::fanout
