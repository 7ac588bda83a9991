#include "serve/serve_config.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "hookbot/limits/limit_option.hpp"
#include "hookbot/limits/retention_limits.hpp"
#include "hookbot/posix/log.hpp"
#include "serve/activated_socket.hpp"
#include "serve/serve_keys.hpp"

namespace hookbot::serve {
namespace {

std::string default_instance(const listen_address& address, std::uint16_t port) {
    std::string name =
        (address.host.empty() ? std::string("any") : address.host) + "_" + std::to_string(port);
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

// serve starts its children from its own folder.
std::string program_directory() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

void append(std::vector<std::string>& args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
}

}  // namespace

public_listener open_public_listener(const std::string& bind) {
    if (auto activated = socket_from_systemd()) {
        public_listener listener{std::move(*activated), {}, 0, {}};
        listener.address = local_address(listener.socket.get());
        listener.port = bound_port(listener.socket.get());
        listener.description = (listener.address.host.empty() ? "*" : listener.address.host) + ":" +
                               std::to_string(listener.port);
        log::info("socket activation: serving on the socket systemd passed, ", listener.description,
                  ", instead of binding --bind ", bind);
        return listener;
    }
    const listen_address address = parse_listen_address(bind);
    public_listener listener{bind_tcp_listener(address, 4096), address, 0, bind};
    listener.port = bound_port(listener.socket.get());
    return listener;
}

void name_instance(serve_options& options, const public_listener& listener) {
    if (options.instance.empty()) {
        options.instance = default_instance(listener.address, listener.port);
    }
    if (options.control_socket.empty()) {
        options.control_socket = default_control_socket(options.instance);
    }
}

supervisor_config configure(const serve_options& options, const checked_serve& checked,
                            const std::string& github_secret) {
    const std::string dir = program_directory();
    supervisor_config config;
    // Only the cluster's acceptor links the NATS client: without --cluster
    // nothing of NATS is loaded.
    config.acceptor_program =
        dir + (checked.cluster.enabled() ? "/hookbot-acceptor-cluster" : "/hookbot-acceptor");
    if (checked.cluster.enabled() && ::access(config.acceptor_program.c_str(), X_OK) != 0) {
        throw std::runtime_error("--cluster needs " + config.acceptor_program +
                                 ", which this build does not have (build it with the NATS C "
                                 "client installed: Debian's libnats-dev)");
    }
    config.acceptor_args = {
        "--instance",      options.instance,      "--token-hash", options.token_hash,
        "--metrics-allow", options.metrics_allow, "--ui",         options.ui};
    hand_keys_to_acceptor(checked.keys, config.acceptor_args);
    if (checked.github_router) {
        append(config.acceptor_args, {"--router", "github"});
        ::setenv("HOOKBOT_GITHUB_SECRET", github_secret.c_str(), 1);
    }
    config.fanout_program = dir + "/hookbot-fanout";
    config.fanout_args = {"--instance", options.instance, "--control", options.control_socket};
    if (!options.bus.dir.empty()) {
        append(config.acceptor_args, {"--bus-dir", options.bus.dir});
        append(config.fanout_args, {"--bus-dir", options.bus.dir});
    }
    config.workers = options.workers;
    options.limits.add_to(config.acceptor_args, config.fanout_args);
    options.flow.add_to(config.acceptor_args, config.fanout_args);
    options.cluster.add_to(config.acceptor_args);
    limits::pass_on(config.fanout_args, limits::retention_age, options.retention_age);
    if (checked.tls) {
        config.workers_accept = true;
        append(config.fanout_args,
               {"--tls-cert", checked.tls->certificate, "--tls-key", checked.tls->private_key});
    }
    return config;
}

}  // namespace hookbot::serve
