// hookbot-fanout: one fanout worker (docs/ARCHITECTURE.md). Wiring only: options,
// the bus, the slot, signals and the event loop; the work is in worker.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "control/attach.hpp"
#include "control/slot_claim.hpp"
#include "hookbot/posix/exit_status.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/tls/context_source.hpp"
#include "options.hpp"
#include "topics/subscriptions.hpp"
#include "worker.hpp"

namespace {

namespace asio = boost::asio;
namespace log = hookbot::log;
using namespace hookbot::fanout;

using hookbot::exit_fatal_config;
// Time given to subscribers to finish their close handshakes on SIGTERM
// (after the acceptor's drain acknowledgement, itself bounded by worker.hpp's
// drain_ack_timeout): the whole drain stays within serve's stop timeout.
constexpr std::chrono::milliseconds stop_grace{2000};

// SIGHUP: load the TLS certificate and key again; new handshakes use them,
// connections already made keep theirs. A bad file keeps the old ones.
void reload(hookbot::tls::context_source* tls) {
    if (tls == nullptr) return log::info("SIGHUP: nothing to reload");
    try {
        tls->reload();
        log::info("SIGHUP: reloaded TLS certificate ", tls->files().certificate, " and key ",
                  tls->files().private_key);
    } catch (const std::exception& e) {
        log::error("SIGHUP: keeping the TLS certificate in use: ", e.what());
    }
}

void wait_for_signals(asio::signal_set& signals, worker& w, hookbot::tls::context_source* tls) {
    signals.async_wait([&signals, &w, tls](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
            reload(tls);
            return wait_for_signals(signals, w, tls);
        }
        log::info(signo == SIGTERM ? "SIGTERM" : "SIGINT", ": draining");
        w.stop(stop_grace);
    });
}

int run(fanout_options options) {
    if (options.attach) {
        try {
            const auto description = ask_instance(options.control);
            options.instance = description.instance;
            options.bus_dir = description.bus_dir;
        } catch (const attach_refused& e) {
            log::error("cannot start: ", e.what());
            return exit_fatal_config;
        }
        log::info("--attach: ", options.control, " serves instance \"", options.instance, "\"");
    }
    const auto bus = hookbot::shm_ring::bus::open(
        options.instance, hookbot::shm_ring::bus::access::reader, options.bus_dir);
    const slot_claim claim(bus, options.slot, ::getpid());
    // Declared before the io_context: subscribers destroyed with it unregister here.
    subscriptions registry(claim.slot(), &bus);
    std::optional<hookbot::tls::context_source> tls;
    if (options.listen_fd) {
        try {
            tls.emplace(hookbot::tls::server_files{options.tls_cert, options.tls_key});
        } catch (const hookbot::tls::config_error& e) {
            log::error("cannot start: ", e.what());
            return exit_fatal_config;
        }
    }
    asio::io_context ioc(1);
    worker fanout(ioc, bus, claim.index(), registry, options, tls ? &*tls : nullptr);
    asio::signal_set signals(ioc, SIGTERM, SIGINT, SIGHUP);
    wait_for_signals(signals, fanout, tls ? &*tls : nullptr);

    const auto& limits = options.limits;
    log::info("started: bus \"", options.instance, "\" epoch ", bus.epoch(), ", slot ",
              claim.index(), options.attach ? " (attached)" : "", ", pid ", ::getpid(),
              ", control ", options.control, "; per subscriber ", limits.queue.max_messages,
              " messages / ", limits.queue.max_bytes, " bytes, overflow ",
              limits.queue.overflow == overflow_policy::drop ? "drop" : "close",
              tls ? "; accepting TLS connections" : "");
    fanout.start();
    ioc.run();
    log::info("stopped");
    return fanout.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
    log::set_program("hookbot-fanout");
    // A TLS subscriber's records go out through OpenSSL's socket BIO, with
    // write(2): a client gone must be EPIPE, not the end of the worker.
    std::signal(SIGPIPE, SIG_IGN);
    const command_line cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    if (cl.result == command_line::outcome::help) {
        std::cout << cl.text;
        return 0;
    }
    if (cl.result == command_line::outcome::error) {
        log::error("bad command line: ", cl.text, " (see --help)");
        return exit_fatal_config;
    }
    try {
        return run(cl.options);
    } catch (const std::out_of_range& e) {
        log::error("cannot start: ", e.what());
        return exit_fatal_config;
    } catch (const std::exception& e) {
        log::error("fatal: ", e.what());
        return 1;
    }
}
