#include "serve_command.hpp"

#include <sched.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "activated_socket.hpp"
#include "bus_census.hpp"
#include "command_line.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/tls/server_context.hpp"
#include "flow_options.hpp"
#include "limit_options.hpp"
#include "listen_address.hpp"
#include "serve_keys.hpp"
#include "service_notifier.hpp"
#include "supervisor.hpp"

namespace hookbot::serve {
namespace {

namespace po = boost::program_options;

// One worker per core this process may run on, less one: the acceptor and
// the kernel's network work need a core as well. On 2 cores one worker
// delivers a third more than two (bench/RESULTS.md).
unsigned default_workers() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    const int cores = ::sched_getaffinity(0, sizeof allowed, &allowed) == 0
                          ? CPU_COUNT(&allowed)
                          : static_cast<int>(std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::max(1, cores - 1));
}

struct serve_options {
    std::string bind = ":8080";
    unsigned workers = default_workers();
    std::string instance;
    std::string control_socket;
    shm_ring::bus_options bus;
    // Subscriber queue limits, handed to every worker when given (each
    // worker's own defaults otherwise).
    std::optional<std::size_t> queue_messages, queue_bytes;
    std::string token_hash = "any";  // PROTOCOL.md T1: both hashes, or only one
    std::string metrics_allow = "loopback";
    // PROTOCOL.md C1: --sslcrt/-c and --sslkey/-k, also spelled --tls-cert
    // and --tls-key. TLS when both are set.
    std::string sslcrt, tls_cert, sslkey, tls_key;
    std::vector<std::string> routers;  // PROTOCOL.md C1, D7: --router github
    limit_options limits;
    flow_options flow;
};

po::options_description describe(serve_options& o) {
    po::options_description d("hookbot serve options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(), "show this help")
        ("bind,b", po::value(&o.bind)->default_value(o.bind),
            "address to listen on, [HOST]:PORT; ignored when systemd passes the socket "
            "(LISTEN_FDS, hookbot.socket)")
        ("workers", po::value(&o.workers)->default_value(o.workers),
            "fanout worker processes (default: one per core, less one for the acceptor)")
        ("token-hash", po::value(&o.token_hash)->default_value(o.token_hash),
            "tokens accepted: any, sha256, or sha1 (the original before v0.19)")
        ("metrics-allow", po::value(&o.metrics_allow)->default_value(o.metrics_allow),
            "who may read /metrics: any; loopback (this host, others with a token for "
            "/metrics); token (a token for /metrics)")
        ("instance", po::value(&o.instance),
            "name of the shared-memory bus (default: derived from --bind, so two instances on one "
            "host never meet)")
        ("control-socket", po::value(&o.control_socket),
            "Unix socket where workers join (default: $RUNTIME_DIRECTORY/control.sock, else "
            "/tmp/hookbot.<instance>.sock)")
        ("shards", po::value(&o.bus.shards)->default_value(o.bus.shards), "rings in the bus")
        ("ring-bytes", po::value(&o.bus.ring_bytes)->default_value(o.bus.ring_bytes),
            "bytes per ring, a power of two")
        ("max-body", po::value(&o.bus.max_body_bytes)->default_value(o.bus.max_body_bytes),
            "largest publish body in bytes (larger ones get 413); default 25 MiB, GitHub's "
            "largest webhook")
        ("queue-messages", po::value<std::size_t>()->notifier([&o](std::size_t n) {
            o.queue_messages = n; }),
            "most messages queued to one subscriber (default 1024); more are dropped and counted")
        ("queue-bytes", po::value<std::size_t>()->notifier([&o](std::size_t n) {
            o.queue_bytes = n; }),
            "most bytes queued to one subscriber (default 16 MiB)")
        ("blob-threshold",
            po::value(&o.bus.max_inline_body_bytes)->default_value(o.bus.max_inline_body_bytes),
            "bodies larger than this many bytes travel in a shared-memory blob of their own, "
            "not in a ring")
        ("blob-budget",
            po::value(&o.bus.blob_budget_bytes)->default_value(o.bus.blob_budget_bytes),
            "bytes all blobs together may hold (at least twice --max-body); the oldest are "
            "unlinked beyond it, and workers that had not read them count them lost")
        ("sslcrt,c", po::value(&o.sslcrt),
            "TLS certificate chain (PEM); with --sslkey, the port speaks TLS only")
        ("sslkey,k", po::value(&o.sslkey), "TLS private key (PEM) of --sslcrt")
        ("tls-cert", po::value(&o.tls_cert), "the same as --sslcrt")
        ("tls-key", po::value(&o.tls_key), "the same as --sslkey")
        ("router", po::value(&o.routers)->composing(),
            "enable a router (repeatable; default: none): github routes signed pushes "
            "published to /unsafe/pub/github.com/... to github.com/repo/<repo>/branch/<branch>; "
            "needs --github-secret or $HOOKBOT_GITHUB_SECRET");
    // clang-format on
    d.add(o.limits.describe());
    d.add(o.flow.describe());
    return d;
}

std::string default_instance(const listen_address& address, std::uint16_t port) {
    std::string name = (address.host.empty() ? std::string("any") : address.host) + "_" +
                       std::to_string(port);
    for (char& c : name) {
        if (c == ':' || c == '/' || c == '[' || c == ']') c = '_';
    }
    return name;
}

std::string default_control_socket(const std::string& instance) {
    if (const char* runtime = std::getenv("RUNTIME_DIRECTORY"); runtime && *runtime) {
        return std::string(runtime) + "/control.sock";
    }
    return "/tmp/hookbot." + instance + ".sock";
}

// The one value of an option that has two spellings; throws when both are
// given and disagree.
std::string either(const std::string& a, const char* a_name, const std::string& b,
                   const char* b_name) {
    if (!a.empty() && !b.empty() && a != b) {
        throw std::invalid_argument(std::string(a_name) + " and " + b_name +
                                    " name different files");
    }
    return a.empty() ? b : a;
}

// The TLS files, or nullopt for plain HTTP. Loads them once here, so that a
// missing, unreadable or invalid file stops serve before anything starts,
// with the file's name and OpenSSL's reason. Throws.
std::optional<tls::server_files> tls_files(const serve_options& o) {
    tls::server_files files{either(o.sslcrt, "--sslcrt", o.tls_cert, "--tls-cert"),
                            either(o.sslkey, "--sslkey", o.tls_key, "--tls-key")};
    if (files.certificate.empty() && files.private_key.empty()) return std::nullopt;
    if (files.certificate.empty() || files.private_key.empty()) {
        throw std::invalid_argument(
            std::string("TLS needs both --sslcrt/--tls-cert and --sslkey/--tls-key; only the ") +
            (files.certificate.empty() ? "key" : "certificate") + " was given");
    }
    for (auto* path : {&files.certificate, &files.private_key}) {
        // Workers load them again, and on SIGHUP, perhaps from another directory.
        std::error_code ec;
        const auto absolute = std::filesystem::absolute(*path, ec);
        if (!ec) *path = absolute.string();
    }
    static_cast<void>(tls::make_server_context(files));
    return files;
}

std::string program_directory() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

// Removes what the instance left in /dev/shm and on disk when serve ends.
class instance_files {
public:
    instance_files(std::string instance, std::string control_socket)
        : instance_(std::move(instance)), control_socket_(std::move(control_socket)) {}
    instance_files(const instance_files&) = delete;
    instance_files& operator=(const instance_files&) = delete;
    ~instance_files() {
        shm_ring::bus::remove(instance_);
        ::unlink(control_socket_.c_str());
    }

private:
    std::string instance_;
    std::string control_socket_;
};

}  // namespace

int run_serve_command(const std::vector<std::string>& args, const auth::key_flags& key_flags,
                      const std::string& github_secret) {
    log::set_program("hookbot-serve");
    serve_options options;
    if (const auto stop = parse_command_line("hookbot serve", args, describe(options))) {
        return *stop;
    }
    const std::optional<auth::key_source> keys = serving_key_source(key_flags);
    if (!keys) return 1;
    if (options.token_hash != "any" && options.token_hash != "sha256" &&
        options.token_hash != "sha1") {
        std::cerr << "hookbot serve: --token-hash must be any, sha256 or sha1\n";
        return 1;
    }
    if (options.metrics_allow != "any" && options.metrics_allow != "loopback" &&
        options.metrics_allow != "token") {
        std::cerr << "hookbot serve: --metrics-allow must be any, loopback or token\n";
        return 1;
    }
    if (options.workers == 0) {
        std::cerr << "hookbot serve: --workers must be at least 1\n";
        return 1;
    }

    bool github_router = false;
    for (const std::string& router : options.routers) {
        if (router != "github") {
            std::cerr << "hookbot serve: unknown --router \"" << router << "\" (known: github)\n";
            return 1;
        }
        github_router = true;
    }
    // R1: the router accepts only signed messages; without a secret it
    // could route nothing, so refuse rather than run a router that drops all.
    if (github_router && github_secret.empty()) {
        std::cerr << "hookbot serve: --router github needs the GitHub secret: set "
                     "HOOKBOT_GITHUB_SECRET or --github-secret\n";
        return 1;
    }

    std::optional<tls::server_files> tls;
    try {
        options.limits.check();
        options.flow.check();
        tls = tls_files(options);
    } catch (const std::exception& e) {
        std::cerr << "hookbot serve: " << e.what() << "\n";
        return 1;
    }

    try {
        auto activated = socket_from_systemd();
        const auto address =
            activated ? local_address(activated->get()) : parse_listen_address(options.bind);
        auto listener = activated ? std::move(*activated) : bind_tcp_listener(address, 4096);
        const auto port = bound_port(listener.get());
        std::string listening_on = options.bind;
        if (activated) {
            listening_on = (address.host.empty() ? "*" : address.host) + ":" + std::to_string(port);
            log::info("socket activation: serving on the socket systemd passed, ", listening_on,
                      ", instead of binding --bind ", options.bind);
        }
        if (options.instance.empty()) options.instance = default_instance(address, port);
        if (options.control_socket.empty()) {
            options.control_socket = default_control_socket(options.instance);
        }

        // The secret reaches the acceptor through the environment, never argv
        // (which every local user can read in /proc).
        if (github_router) ::setenv("HOOKBOT_GITHUB_SECRET", github_secret.c_str(), 1);
        supervisor::block_signals();
        const auto bus = shm_ring::bus::create(options.instance, options.bus);
        auto control = handoff::listen_control_socket(options.control_socket);
        const instance_files cleanup(options.instance, options.control_socket);

        const std::string dir = program_directory();
        supervisor_config config;
        config.acceptor_program = dir + "/hookbot-acceptor";
        config.acceptor_args = {"--instance", options.instance, "--token-hash",
                                options.token_hash, "--metrics-allow", options.metrics_allow};
        hand_keys_to_acceptor(*keys, config.acceptor_args);
        if (github_router) {
            config.acceptor_args.insert(config.acceptor_args.end(), {"--router", "github"});
        }
        config.on_restart = [&counters = bus.supervisor()](child_kind kind) {
            auto& restarts = kind == child_kind::acceptor ? counters.acceptor_restarts
                                                          : counters.worker_restarts;
            restarts.fetch_add(1, std::memory_order_relaxed);
        };
        config.fanout_program = dir + "/hookbot-fanout";
        config.fanout_args = {"--instance", options.instance, "--control",
                              options.control_socket};
        if (options.queue_messages) {
            config.fanout_args.insert(config.fanout_args.end(),
                                      {"--queue-messages", std::to_string(*options.queue_messages)});
        }
        if (options.queue_bytes) {
            config.fanout_args.insert(config.fanout_args.end(),
                                      {"--queue-bytes", std::to_string(*options.queue_bytes)});
        }
        config.workers = options.workers;
        options.limits.add_to(config.acceptor_args, config.fanout_args);
        options.flow.add_to(config.acceptor_args, config.fanout_args);
        if (tls) {
            config.workers_accept = true;
            config.fanout_args.insert(config.fanout_args.end(),
                                      {"--tls-cert", tls->certificate, "--tls-key",
                                       tls->private_key});
        }
        log::info("listening on ", listening_on, " (port ", port, ")", tls ? " with TLS" : "",
                  github_router ? ", GitHub router" : "",
                  ", bus \"",
                  options.instance, "\" with ", options.bus.shards, " rings of ",
                  options.bus.ring_bytes, " bytes, ", options.workers,
                  options.workers == 1 ? " worker" : " workers");
        service_notifier notifier([&bus] { return "serving: " + describe(take_census(bus)); },
                                  std::chrono::seconds(2));
        supervisor master(std::move(config), std::move(listener), std::move(control), bus,
                          notifier);
        return master.run();
    } catch (const std::exception& e) {
        log::error("cannot serve: ", e.what());
        return 1;
    }
}

}  // namespace hookbot::serve
