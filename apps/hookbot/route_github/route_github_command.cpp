#include "route_github/route_github_command.hpp"

#include <boost/algorithm/string/trim.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "command_line.hpp"
#include "hookbot/client/subscription.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/token_cli/make_tokens.hpp"
#include "route_github/github_relay.hpp"

namespace hookbot::route_github {
namespace {

namespace net = boost::asio;
namespace po = boost::program_options;

struct command_options {
    std::string monitor_url;
    std::string origin = "samehost";
    std::vector<std::string> headers;
    std::string token_hash = "sha256";
};

po::options_description describe(command_options& o) {
    po::options_description d("hookbot route-github options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(), "show this help")
        ("monitor-url,u", po::value(&o.monitor_url),
            "websocket URL to listen to, with a token as user name, e.g. "
            "wss://TOKEN@host/unsafe/sub/github.com/ (required); routed pushes are published to "
            "the same host, over https for wss and http for ws")
        ("origin", po::value(&o.origin)->default_value(o.origin),
            "Origin header of the websocket handshake (default: $HOOKBOT_ORIGIN, else "
            "samehost: the monitor URL's own scheme and host); empty: none")
        ("header,H", po::value(&o.headers)->composing(),
            "extra handshake header \"Name: value\" (repeatable)")
        ("token-hash", po::value(&o.token_hash)->default_value(o.token_hash),
            "hash of the publish tokens: sha256, or sha1 for a server of the original before "
            "v0.19");
    // clang-format on
    return d;
}

// "Name: value" (spaces around both trimmed), or nullopt.
std::optional<std::pair<std::string, std::string>> parse_header(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string name = boost::algorithm::trim_copy(text.substr(0, colon));
    std::string value = boost::algorithm::trim_copy(text.substr(colon + 1));
    if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
        return std::nullopt;
    }
    return std::pair{std::move(name), std::move(value)};
}

// The handshake's extra fields: the unsafe-is-ok header (D6: an /unsafe/sub/
// URL needs it; other servers ignore it), the Origin, then --header.
std::optional<client::header_list> handshake_headers(const command_options& o,
                                                     const client::server_url& url) {
    client::header_list headers{
        {"X-Hookbot-Unsafe-Is-Ok", "I understand the security implications"}};
    // The original sends "//host" for samehost; this project's server (P10)
    // compares the Origin's host:port with Host, so a full origin is sent.
    if (o.origin == "samehost") {
        headers.emplace_back("Origin", (url.secure ? "https://" : "http://") + url.authority());
    } else if (!o.origin.empty()) {
        headers.emplace_back("Origin", o.origin);
    }
    for (const std::string& text : o.headers) {
        auto header = parse_header(text);
        if (!header) {
            std::cerr << "hookbot route-github: --header \"" << text
                      << "\" is not \"Name: value\"\n";
            return std::nullopt;
        }
        headers.push_back(std::move(*header));
    }
    return headers;
}

}  // namespace

int run_route_github_command(const std::vector<std::string>& args, const auth::key_flags& key_flags,
                             const std::string& github_secret) {
    log::set_program("hookbot-route-github");
    command_options options;
    if (const char* origin = std::getenv("HOOKBOT_ORIGIN"); origin != nullptr) {
        options.origin = origin;
    }
    const auto description = describe(options);
    if (const auto stop = parse_command_line("hookbot route-github", args, description)) {
        return *stop;
    }
    std::string key;
    try {
        const auto source = auth::find_key_source(key_flags, token_cli::process_environment());
        if (!source) {
            std::cerr << "HOOKBOT_KEY not set\n";
            return 1;
        }
        key = auth::load_keys(*source).front();
    } catch (const std::exception& e) {
        std::cerr << "hookbot route-github: " << e.what() << "\n";
        return 1;
    }
    if (github_secret.empty()) {
        std::cerr << "hookbot route-github: HOOKBOT_GITHUB_SECRET not set (R1: only signed "
                     "messages are routed)\n";
        return 1;
    }
    if (options.token_hash != "sha256" && options.token_hash != "sha1") {
        std::cerr << "hookbot route-github: --token-hash must be sha256 or sha1\n";
        return 1;
    }
    const auto url = client::parse_server_url(options.monitor_url);
    if (!url || !url->websocket) {
        std::cerr << "hookbot route-github: --monitor-url needs a ws:// or wss:// URL, not \""
                  << options.monitor_url << "\"\n"
                  << description;
        return 1;
    }
    const auto headers = handshake_headers(options, *url);
    if (!headers) return 1;

    try {
        net::io_context ioc{1};
        auto tls = client::make_tls_client_context();
        client::server_url publish_to = *url;
        publish_to.websocket = false;
        publish_to.user.clear();
        github_relay relay(
            {publish_to, key,
             options.token_hash == "sha1" ? auth::hash_kind::sha1 : auth::hash_kind::sha256,
             github_secret},
            tls);
        client::subscription monitor(ioc.get_executor(), *url, *headers, tls);

        net::signal_set signals(ioc, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (!ec) monitor.stop();
        });
        net::co_spawn(ioc, monitor.run([&relay](std::string message) {
            return relay.on_message(std::move(message));
        }),
                      [&signals](const std::exception_ptr& error) {
                          signals.cancel();
                          if (error) std::rethrow_exception(error);
                      });
        ioc.run();
        const auto& seen = relay.counters();
        log::info("stopped after ", seen.messages, " messages: ", seen.published, " routed, ",
                  seen.publish_failed, " failed to publish, ", seen.rejected_total(), " rejected, ",
                  seen.ignored_total(), " ignored");
        return 0;
    } catch (const std::exception& e) {
        log::error("route-github failed: ", e.what());
        return 1;
    }
}

}  // namespace hookbot::route_github
