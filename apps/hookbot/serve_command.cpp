#include "serve_command.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "hookbot/handoff/channel.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/tls/server_context.hpp"
#include "listen_address.hpp"
#include "supervisor.hpp"

namespace hookbot::serve {
namespace {

namespace po = boost::program_options;

struct serve_options {
    std::string bind = ":8080";
    unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    std::string instance;
    std::string control_socket;
    shm_ring::bus_options bus;
    std::vector<std::string> fanout_passthrough;
    std::string token_hash = "any";  // PROTOCOL.md T1: both hashes, or only one
    // PROTOCOL.md C1: --sslcrt/-c and --sslkey/-k, also spelled --tls-cert
    // and --tls-key. TLS when both are set.
    std::string sslcrt, tls_cert, sslkey, tls_key;
    bool help = false;
};

po::options_description describe(serve_options& o) {
    po::options_description d("hookbot serve options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show this help")
        ("bind,b", po::value(&o.bind)->default_value(o.bind), "address to listen on, [HOST]:PORT")
        ("workers", po::value(&o.workers)->default_value(o.workers),
            "fanout worker processes (default: the number of cores)")
        ("token-hash", po::value(&o.token_hash)->default_value(o.token_hash),
            "tokens accepted: any, sha256, or sha1 (the original before v0.19)")
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
            "largest publish body in bytes (larger ones get 413)")
        ("sslcrt,c", po::value(&o.sslcrt),
            "TLS certificate chain (PEM); with --sslkey, the port speaks TLS only")
        ("sslkey,k", po::value(&o.sslkey), "TLS private key (PEM) of --sslcrt")
        ("tls-cert", po::value(&o.tls_cert), "the same as --sslcrt")
        ("tls-key", po::value(&o.tls_key), "the same as --sslkey");
    // clang-format on
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

int run_serve_command(const std::vector<std::string>& args, const std::string& key) {
    log::set_program("hookbot-serve");
    serve_options options;
    const auto description = describe(options);
    try {
        po::variables_map values;
        po::store(po::command_line_parser(args).options(description).run(), values);
        po::notify(values);
    } catch (const po::error& e) {
        std::cerr << "hookbot serve: " << e.what() << "\n" << description;
        return 1;
    }
    if (options.help) {
        std::cout << description;
        return 0;
    }
    if (key.empty()) {
        std::cerr << "HOOKBOT_KEY not set\n";
        return 1;
    }
    if (options.token_hash != "any" && options.token_hash != "sha256" &&
        options.token_hash != "sha1") {
        std::cerr << "hookbot serve: --token-hash must be any, sha256 or sha1\n";
        return 1;
    }
    if (options.workers == 0) {
        std::cerr << "hookbot serve: --workers must be at least 1\n";
        return 1;
    }

    std::optional<tls::server_files> tls;
    try {
        tls = tls_files(options);
    } catch (const std::exception& e) {
        std::cerr << "hookbot serve: " << e.what() << "\n";
        return 1;
    }

    try {
        const auto address = parse_listen_address(options.bind);
        auto listener = bind_tcp_listener(address, 4096);
        const auto port = bound_port(listener.get());
        if (options.instance.empty()) options.instance = default_instance(address, port);
        if (options.control_socket.empty()) {
            options.control_socket = default_control_socket(options.instance);
        }

        // The key reaches the children through the environment, never argv
        // (which every local user can read in /proc).
        ::setenv("HOOKBOT_KEY", key.c_str(), 1);
        supervisor::block_signals();
        const auto bus = shm_ring::bus::create(options.instance, options.bus);
        auto control = handoff::listen_control_socket(options.control_socket);
        const instance_files cleanup(options.instance, options.control_socket);

        const std::string dir = program_directory();
        supervisor_config config;
        config.acceptor_program = dir + "/hookbot-acceptor";
        config.acceptor_args = {"--instance", options.instance, "--token-hash",
                                options.token_hash};
        config.fanout_program = dir + "/hookbot-fanout";
        config.fanout_args = {"--instance", options.instance, "--control",
                              options.control_socket};
        config.workers = options.workers;
        if (tls) {
            config.workers_accept = true;
            config.fanout_args.insert(config.fanout_args.end(),
                                      {"--tls-cert", tls->certificate, "--tls-key",
                                       tls->private_key});
        }
        log::info("listening on ", options.bind, " (port ", port, ")", tls ? " with TLS" : "",
                  ", bus \"",
                  options.instance, "\" with ", options.bus.shards, " rings of ",
                  options.bus.ring_bytes, " bytes, ", options.workers, " workers");
        supervisor master(std::move(config), std::move(listener), std::move(control), bus);
        return master.run();
    } catch (const std::exception& e) {
        log::error("cannot serve: ", e.what());
        return 1;
    }
}

}  // namespace hookbot::serve
