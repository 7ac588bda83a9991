// hookbot-acceptor: the one process that accepts public connections, answers
// HTTP, appends publishes to the bus and hands subscribers to fanout workers.
// This file is wiring only: options, the inherited sockets, signals, the loop.
#include <openssl/crypto.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "bus_room_setup.hpp"
#include "cluster/cluster_relay.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "inherited_sockets.hpp"
#include "key_reload.hpp"
#include "observe/counters_log.hpp"
#include "observe/metrics_page.hpp"
#include "observe/readiness_report.hpp"
#include "options.hpp"
#include "publish/blob_sweeper.hpp"
#include "publish/github_routing.hpp"
#include "publish/publish_handler.hpp"
#include "sessions/forwarded_requests.hpp"
#include "sessions/listener.hpp"
#include "sessions/shared_state.hpp"
#include "workers/worker_pool.hpp"

namespace {

namespace net = boost::asio;

// How long a cluster host waits for the stream before it says it serves.
constexpr std::chrono::seconds cluster_settle_wait{10};
using namespace hookbot;
using namespace hookbot::acceptor;

// SIGTERM, SIGINT: stop accepting, let requests in flight finish (bounded),
// then leave the loop. SIGHUP (forwarded by the supervisor): re-read the key
// file, if there is one.
void wait_for_signals(net::signal_set& signals, net::steady_timer& deadline, listener* server,
                      worker_pool& workers, counters_log& counters, shared_state& state,
                      const acceptor_options& options, std::chrono::milliseconds shutdown_timeout,
                      net::io_context& ioc) {
    // `server` by value: it is this call's parameter, gone when the handler runs.
    signals.async_wait([&, server, shutdown_timeout](const boost::system::error_code& ec,
                                                     int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
            reload_verifier(options, state.verifier);
            return wait_for_signals(signals, deadline, server, workers, counters, state, options,
                                    shutdown_timeout, ioc);
        }
        log::info(signo == SIGTERM ? "SIGTERM" : "SIGINT", ": stopping after ",
                  state.requests.in_flight(), " requests in flight");
        if (server) server->stop();
        workers.stop_accepting();
        counters.stop();
        deadline.expires_after(shutdown_timeout);
        deadline.async_wait([&ioc, &state](const boost::system::error_code& timer_ec) {
            if (timer_ec) return;
            log::warning("stopping with ", state.requests.in_flight(), " requests still in flight");
            ioc.stop();
        });
        state.requests.drain([&ioc] { ioc.stop(); });
    });
}

int serve(const acceptor_options& options) {
    net::io_context ioc{1};
    // Wrong descriptor numbers are a configuration error: restarting with
    // the same ones cannot help, so say so with the exit status.
    std::optional<net::ip::tcp::acceptor> acceptor;
    posix::unique_fd control;
    try {
        if (options.listen_fd >= 0) acceptor.emplace(adopt_tcp_listener(ioc, options.listen_fd));
        control = adopt_control_listener(options.control_fd);
    } catch (const std::exception& e) {
        log::error("cannot adopt the inherited sockets: ", e.what());
        return exit_fatal_config;
    }
    std::optional<auth::verifier> verifier;
    try {
        verifier.emplace(load_verifier(options));
    } catch (const std::exception& e) {
        log::error("cannot load the token keys: ", e.what());
        return exit_fatal_config;
    }
    auto bus =
        shm_ring::bus::open(options.instance, shm_ring::bus::access::writer, options.bus_dir);
    session_limits limits = options.limits;
    if (!options.max_body_given || limits.max_body_bytes > bus.max_body_bytes()) {
        limits.max_body_bytes = bus.max_body_bytes();
    }
    worker_pool workers(ioc, bus, std::move(control), options.max_queued_handoffs);
    // Without a public socket the workers terminate TLS (see below).
    workers.describe_instance({options.instance, !acceptor.has_value(), options.bus_dir});
    std::optional<github_routing> github;
    if (options.github_router) {
        const char* secret = std::getenv("HOOKBOT_GITHUB_SECRET");
        if (secret == nullptr || *secret == '\0') {
            log::error("--router github: HOOKBOT_GITHUB_SECRET not set");
            return exit_fatal_config;
        }
        github.emplace(secret);
    }
    publish_handler publisher(bus, workers, github ? &*github : nullptr);
    blob_sweeper sweeper(ioc, publisher);
    const metrics_endpoint metrics(bus, options.metrics_allow);
    bus_room room(ioc, publish_room_positions(publisher, workers),
                  publish_room_settings(options, bus), bus.acceptor());
    // Cluster mode: publishes go to the stream; the room paces what comes
    // back from it onto the bus instead of the publishers.
    int exit_status = 0;
    std::optional<cluster_relay> cluster;
    if (options.cluster.enabled()) {
        cluster.emplace(ioc, options.cluster, bus, publisher, &room, [&ioc, &exit_status] {
            exit_status = exit_replace_bus;
            ioc.stop();
        });
        try {
            cluster->start("hookbot " + options.instance);
        } catch (const std::exception& e) {
            log::error("--cluster: ", e.what());
            return exit_fatal_config;
        }
    }
    auto state = std::make_shared<shared_state>(shared_state{limits,
                                                             std::move(*verifier),
                                                             publisher,
                                                             workers,
                                                             {},
                                                             {},
                                                             metrics,
                                                             bus.acceptor(),
                                                             cluster ? nullptr : &room});
    state->ui = options.ui_enabled ? routing::ui_paths::inspector : routing::ui_paths::topics;
    counters_log counters(ioc, bus, options.counters_log_period);
    // Built-in TLS: no public socket here; the workers forward what they read.
    workers.on_forwarded_request([&state = *state](handoff::forwarded_request request,
                                                   posix::unique_fd body,
                                                   worker_connection::reply_handler reply) {
        answer_forwarded(state, std::move(request), std::move(body), std::move(reply));
    });
    if (cluster) {
        workers.on_stream_fetch([&relay = *cluster](const handoff::stream_fetch& request,
                                                    worker_connection::fetch_reply reply) {
            relay.fetch(request, std::move(reply));
        });
    }
    std::shared_ptr<listener> server;
    if (acceptor) server = std::make_shared<listener>(std::move(*acceptor), state);

    // Joins happen inside ioc.run(), after the listener below runs: by the
    // first one this acceptor is serving.
    readiness_report readiness(options.ready_fd);
    // In cluster mode, also once the bus is the stream's (cluster_relay).
    bool worker_joined = false;
    bool cluster_settled = !cluster;
    const auto report_when_ready = [&readiness, &worker_joined, &cluster_settled] {
        if (worker_joined && cluster_settled) readiness.report();
    };
    workers.on_worker_joined([&worker_joined, &report_when_ready] {
        worker_joined = true;
        report_when_ready();
    });
    if (cluster) {
        cluster->when_settled(
            [&cluster_settled, &report_when_ready] {
                cluster_settled = true;
                report_when_ready();
            },
            cluster_settle_wait);
    }

    net::signal_set signals(ioc, SIGTERM, SIGINT, SIGHUP);
    net::steady_timer deadline(ioc);
    wait_for_signals(signals, deadline, server.get(), workers, counters, *state, options,
                     options.shutdown_timeout, ioc);

    workers.start();
    sweeper.start();
    counters.start();
    if (server) {
        server->run();
        log::info("accepting on fd ", options.listen_fd, ", workers on fd ", options.control_fd,
                  ", bus \"", options.instance, "\", bodies up to ", limits.max_body_bytes,
                  " bytes", github ? ", GitHub router on" : "");
    } else {
        log::info("answering requests the workers forward (TLS), workers on fd ",
                  options.control_fd, ", bus \"", options.instance, "\", bodies up to ",
                  limits.max_body_bytes, " bytes", github ? ", GitHub router on" : "");
    }
    ioc.run();
    // Sessions still open are destroyed with the loop, after this.
    state->requests.forget();
    if (exit_status == exit_replace_bus) {
        log::info("stopped, for the supervisor to replace the bus");
    } else {
        log::info("stopped");
    }
    return exit_status;
}

}  // namespace

int main(int argc, char** argv) {
    // First, before anything initialises OpenSSL: no exit handler of its
    // own. After TLS to NATS, libnats' final cleanup (nats_CloseAndWait, as
    // the cluster link closes) frees OpenSSL's list of compression methods,
    // which OpenSSL's exit handler would free again (a crash at exit seen
    // under ASan). The process ends there anyway.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
    log::set_program("hookbot-acceptor");
    const auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc),
                                      std::getenv("HOOKBOT_KEY"), std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_status;
    // Writes to a closed connection must fail with EPIPE, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return serve(*parsed.options);
    } catch (const std::exception& e) {
        log::error("cannot serve: ", e.what());
        return 1;
    }
}
