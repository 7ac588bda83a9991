#include "serve/serve_command.hpp"

#include <unistd.h>

#include <chrono>

#include "command_line.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "serve/serve_checks.hpp"
#include "serve/serve_config.hpp"
#include "serve/serve_options.hpp"
#include "supervisor/bus_census.hpp"
#include "supervisor/service_notifier.hpp"
#include "supervisor/supervisor.hpp"

namespace hookbot::serve {
namespace {

// Removes what the instance left in /dev/shm and on disk when serve ends:
// all of it but a --bus-dir's rings file. Nothing stays in /dev/shm after a
// clean stop, so large bodies (blobs) are not kept across one; only a
// restart after a crash finds and adopts them (bus::create).
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

void log_start(const serve_options& options, const public_listener& listener,
               const checked_serve& checked) {
    log::info("listening on ", listener.description, " (port ", listener.port, ")",
              checked.tls ? " with TLS" : "", checked.github_router ? ", GitHub router" : "",
              ", bus \"", options.instance, "\" with ", options.bus.shards, " rings of ",
              options.bus.ring_bytes, " bytes",
              options.bus.dir.empty()
                  ? ""
                  : " in " + shm_ring::bus::rings_file(options.bus.dir, options.instance),
              ", ", options.workers, options.workers == 1 ? " worker" : " workers");
}

// Cluster mode: the acceptor found the stream to have another identity than
// the bus's epoch, and asks (cluster_counters::requested_epoch) for a bus of
// that epoch. The supervisor's counters go on in the new one.
void replace_with_stream_bus(shm_ring::bus& bus, shm_ring::bus_options& options) {
    const std::uint64_t epoch =
        bus.acceptor().cluster.requested_epoch.load(std::memory_order_relaxed);
    const auto& old = bus.supervisor();
    const std::uint64_t acceptor_restarts = old.acceptor_restarts.load(std::memory_order_relaxed);
    const std::uint64_t worker_restarts = old.worker_restarts.load(std::memory_order_relaxed);
    const std::uint64_t replacements = old.bus_replacements.load(std::memory_order_relaxed);
    const std::uint64_t old_epoch = bus.epoch();
    options.epoch = epoch;
    bus.replace(options);
    auto& counters = bus.supervisor();
    counters.acceptor_restarts.store(acceptor_restarts, std::memory_order_relaxed);
    counters.worker_restarts.store(worker_restarts, std::memory_order_relaxed);
    counters.bus_replacements.store(replacements + 1, std::memory_order_relaxed);
    log::info("bus \"", bus.instance(), "\" replaced: epoch ",
              shm_ring::format_message_id({old_epoch, 0}), " is now ",
              shm_ring::format_message_id({bus.epoch(), 0}), " (ids end in -0 here)");
}

// Creates the bus and the control socket, starts the children and
// supervises them until serve is told to stop. Throws when the bus or the
// control socket cannot be made.
int start(serve_options& options, const checked_serve& checked, const std::string& github_secret) {
    auto listener = open_public_listener(options.bind);
    name_instance(options, listener);
    supervisor::block_signals();
    auto bus = shm_ring::bus::create(options.instance, options.bus);
    auto control = handoff::listen_control_socket(options.control_socket);
    const instance_files cleanup(options.instance, options.control_socket);

    supervisor_config config = configure(options, checked, github_secret);
    config.on_restart = [&counters = bus.supervisor()](child_kind kind) {
        auto& restarts =
            kind == child_kind::acceptor ? counters.acceptor_restarts : counters.worker_restarts;
        restarts.fetch_add(1, std::memory_order_relaxed);
    };
    if (checked.cluster.enabled()) {
        config.replace_bus = [&bus, &options] { replace_with_stream_bus(bus, options.bus); };
    }
    log_start(options, listener, checked);
    service_notifier notifier([&bus] { return "serving: " + describe(take_census(bus)); },
                              std::chrono::seconds(2));
    supervisor master(std::move(config), std::move(listener.socket), std::move(control), bus,
                      notifier);
    return master.run();
}

}  // namespace

int run_serve_command(const std::vector<std::string>& args, const auth::key_flags& key_flags,
                      const std::string& github_secret) {
    log::set_program("hookbot-serve");
    serve_options options;
    if (const auto stop = parse_command_line("hookbot serve", args, describe(options))) {
        return *stop;
    }
    const std::optional<checked_serve> checked = validate(options, key_flags, github_secret);
    if (!checked) return 1;
    try {
        return start(options, *checked, github_secret);
    } catch (const std::exception& e) {
        log::error("cannot serve: ", e.what());
        return 1;
    }
}

}  // namespace hookbot::serve
