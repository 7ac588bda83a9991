#include "listen/listen_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "command_line.hpp"
#include "hookbot/posix/log.hpp"
#include "listen/listen_options.hpp"
#include "listen/message_handler.hpp"

namespace hookbot::listen {
namespace {

namespace net = boost::asio;

// The URL goes first (`hookbot listen URL --json`), or anywhere as --url.
std::vector<std::string> take_leading_url(std::vector<std::string> args, std::string& url) {
    if (!args.empty() && !args.front().starts_with("-")) {
        url = args.front();
        args.erase(args.begin());
    }
    return args;
}

// The system's CAs, and --ca-file's.
net::ssl::context tls_context(const std::string& ca_file) {
    auto tls = client::make_tls_client_context();
    if (!ca_file.empty()) {
        boost::system::error_code ec;
        tls.load_verify_file(ca_file, ec);
        if (ec) throw std::runtime_error("cannot load --ca-file " + ca_file + ": " + ec.message());
    }
    return tls;
}

int listen(const listen_config& config) {
    net::io_context ioc{1};
    auto tls = tls_context(config.ca_file);
    client::retrying_watch watch(ioc.get_executor(), config.url, config.headers, tls, config.watch);
    std::optional<command_runner> runner;
    if (config.exec) runner.emplace(ioc.get_executor(), *config.exec, config.exec_timeout);
    // The target's own context: --forward-insecure must not weaken the
    // subscription's.
    auto forward_tls = tls_context(config.ca_file);
    std::optional<forwarder> forward;
    if (config.forward) {
        if (config.forward->insecure) {
            forward_tls.set_verify_mode(net::ssl::verify_none);
            log::warning("--forward-insecure: the certificate of ", config.forward->target.shown(),
                         " is not checked");
        }
        forward.emplace(ioc.get_executor(), *config.forward, forward_tls);
    }
    message_handler handler(message_printer(config.json, config.recursive), runner, forward);

    net::signal_set signals(ioc, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        log::info("stopping on ", ::strsignal(signo));
        watch.stop();
        if (runner) runner->interrupt();
        if (forward) forward->interrupt();
    });
    net::co_spawn(
        ioc,
        watch.run([&handler](const client::watch_event& event) { return handler.on_event(event); },
                  [&handler](const client::watch_error& error) { handler.on_error(error); }),
        [&signals](const std::exception_ptr& error) {
            signals.cancel();
            if (error) std::rethrow_exception(error);
        });
    ioc.run();
    if (watch.last_id()) log::info("stopped after message ", *watch.last_id());
    if (forward) log::info(forward->summary());
    return handler.exit_status();
}

}  // namespace

int run_listen_command(const std::vector<std::string>& args) {
    log::set_program("hookbot-listen");
    listen_options options;
    const std::vector<std::string> rest = take_leading_url(args, options.url);
    const auto description = describe(options);
    if (const auto stop = parse_command_line("hookbot listen", rest, description)) return *stop;
    const config_or_error checked = check_options(options);
    if (!checked.config) {
        std::cerr << "hookbot listen: " << checked.error << "\n";
        return 1;
    }
    // A closed stdout must come back as a write error, not kill the listener
    // between a message and its state.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return listen(*checked.config);
    } catch (const std::exception& e) {
        log::error("listen failed: ", e.what());
        return 1;
    }
}

}  // namespace hookbot::listen
