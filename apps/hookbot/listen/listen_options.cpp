#include "listen/listen_options.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>

#include "hookbot/client/header_field.hpp"
#include "hookbot/client/resume_target.hpp"

namespace hookbot::listen {
namespace {

namespace po = boost::program_options;
using std::chrono::milliseconds;

// D6: an /unsafe/sub/ subscription needs this header; the URL says it is one.
constexpr const char* unsafe_header = "X-Hookbot-Unsafe-Is-Ok";
constexpr const char* unsafe_value = "I understand the security implications";

std::optional<milliseconds> seconds_option(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 86400.0 * 365) return std::nullopt;
    return milliseconds(static_cast<milliseconds::rep>(std::llround(seconds * 1000)));
}

// The URL as an error message may show it: a token in its user info is
// left out (stderr may well be a journal).
std::string shown_url(const std::string& url) {
    const auto scheme_end = url.find("://");
    const auto at = url.find('@');
    const auto path = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (scheme_end == std::string::npos || at == std::string::npos || at > path) return url;
    return url.substr(0, scheme_end + 3) + "TOKEN" + url.substr(at);
}

struct forward_or_error {
    std::optional<forward_config> config;
    std::string error;
};

forward_or_error forward_options(const listen_options& o) {
    forward_config config;
    auto target = parse_forward_target(o.forward);
    if (!target) {
        return {std::nullopt, "--forward \"" + shown_url(o.forward) +
                                  "\" is not a URL like http://localhost:3000/hook (or https://)"};
    }
    config.target = std::move(*target);
    const auto timeout = seconds_option(o.forward_timeout);
    if (!timeout || timeout->count() == 0)
        return {std::nullopt, "--forward-timeout must be > 0 seconds"};
    const auto retry_max = seconds_option(o.forward_retry_max);
    if (!retry_max || retry_max->count() == 0) {
        return {std::nullopt, "--forward-retry-max must be > 0 seconds"};
    }
    config.timeout = *timeout;
    config.retry.max = *retry_max;
    config.retry.initial = std::min(config.retry.initial, *retry_max);
    config.insecure = o.forward_insecure;
    config.retry_4xx = o.forward_retry_4xx;
    return {std::move(config), {}};
}

}  // namespace

po::options_description describe(listen_options& o) {
    po::options_description d(
        "usage: hookbot listen URL [options]\n"
        "  URL: ws://TOKEN@HOST:PORT/sub/TOPIC (wss:// for TLS; a TOPIC ending in '/' is\n"
        "  recursive); the token may also come in --header \"Authorization: Bearer TOKEN\"\n\n"
        "hookbot listen options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(), "show this help")
        ("url", po::value(&o.url), "the subscription URL, when not given first")
        ("json", po::bool_switch(&o.json),
            "print one JSON envelope per line: {\"id\",\"topic\",\"body\"} (\"body_b64\" when the "
            "body is not UTF-8); a gap notice as {\"gap\":{\"since\",\"reason\"}}")
        ("exec", po::value(&o.exec),
            "run this shell command (/bin/sh -c) once per message, one at a time, with the body "
            "on stdin and HOOKBOT_TOPIC, HOOKBOT_ID in its environment, instead of printing")
        ("exec-timeout", po::value(&o.exec_timeout)->default_value(o.exec_timeout),
            "seconds a command may run; then its process group gets SIGTERM, and SIGKILL 5 s "
            "later")
        ("state", po::value(&o.state),
            "file that keeps the id of the last message handled (replaced atomically after each "
            "one): a restarted listener resumes after it")
        ("header,H", po::value(&o.headers)->composing(),
            "extra handshake header \"Name: value\" (repeatable)")
        ("ca-file", po::value(&o.ca_file),
            "also trust the certificate authorities in this PEM file (certificates are always "
            "verified)")
        ("max-message", po::value(&o.max_message)->default_value(o.max_message),
            "largest websocket message accepted, in bytes")
        ("reconnect-min", po::value(&o.reconnect_min)->default_value(o.reconnect_min),
            "seconds before the first reconnect; each failure doubles it, ± 20 %")
        ("reconnect-max", po::value(&o.reconnect_max)->default_value(o.reconnect_max),
            "most seconds between reconnects")
        ("forward", po::value(&o.forward),
            "deliver each message to this http:// or https:// URL as the request it was "
            "published as (?extra-metadata=request keeps method, query and headers; else a "
            "POST of the body), one at a time, retried until the target takes it")
        ("forward-insecure", po::bool_switch(&o.forward_insecure),
            "do not check the --forward target's certificate (a development certificate)")
        ("forward-retry-4xx", po::bool_switch(&o.forward_retry_4xx),
            "retry a message the target answers with a 4xx, instead of logging and skipping it")
        ("forward-timeout", po::value(&o.forward_timeout)->default_value(o.forward_timeout),
            "seconds one delivery may take (connect, send, answer) before it is retried")
        ("forward-retry-max", po::value(&o.forward_retry_max)->default_value(o.forward_retry_max),
            "most seconds between two tries at one message (from 1 s, doubling, ± 20 %)");
    // clang-format on
    return d;
}

config_or_error check_options(const listen_options& o) {
    const auto refuse = [](std::string why) {
        return config_or_error{std::nullopt, std::move(why)};
    };
    if (o.url.empty())
        return refuse("a URL is needed: hookbot listen ws://TOKEN@HOST:PORT/sub/TOPIC");
    listen_config config;
    const auto url = client::parse_server_url(o.url);
    if (!url) {
        return refuse(std::string("\"") + shown_url(o.url) +
                      "\" is not a URL like ws://TOKEN@HOST:PORT/sub/TOPIC");
    }
    if (!url->websocket) {
        return refuse(std::string("\"") + shown_url(o.url) +
                      "\" is not a websocket URL: use ws:// (or wss:// for TLS)");
    }
    const auto topic = client::subscription_topic(url->target);
    if (!topic) {
        return refuse(std::string("\"") + url->target.substr(0, url->target.find('?')) +
                      "\" is not a subscription path: /sub/TOPIC, /unsafe/sub/TOPIC or /TOPIC");
    }
    config.url = *url;
    config.recursive = topic->recursive;
    if (url->target.starts_with("/unsafe/sub/"))
        config.headers.emplace_back(unsafe_header, unsafe_value);
    for (const std::string& text : o.headers) {
        auto header = client::parse_header_field(text);
        if (!header) return refuse("--header \"" + text + "\" is not \"Name: value\"");
        config.headers.push_back(std::move(*header));
    }
    if (o.json && !o.exec.empty())
        return refuse("--json prints messages, --exec runs them: not both");
    if (!o.forward.empty() && (o.json || !o.exec.empty()))
        return refuse("--forward delivers messages: not with --json or --exec");
    config.json = o.json;
    if (!o.exec.empty()) config.exec = o.exec;

    const auto exec_timeout = seconds_option(o.exec_timeout);
    const auto minimum = seconds_option(o.reconnect_min);
    const auto maximum = seconds_option(o.reconnect_max);
    if (!exec_timeout || exec_timeout->count() == 0)
        return refuse("--exec-timeout must be > 0 seconds");
    if (!minimum || !maximum || *maximum < *minimum) {
        return refuse("--reconnect-min and --reconnect-max must be seconds, min <= max");
    }
    if (o.max_message < 1024) return refuse("--max-message must be at least 1024 bytes");
    config.exec_timeout = *exec_timeout;
    config.watch.connection.max_message_bytes = o.max_message;
    config.watch.connection.reconnect.initial = *minimum;
    config.watch.connection.reconnect.max = *maximum;
    if (!o.state.empty()) config.watch.state_path = o.state;
    if (!o.forward.empty()) {
        auto forward = forward_options(o);
        if (!forward.config) return refuse(std::move(forward.error));
        config.forward = std::move(forward.config);
    } else if (o.forward_insecure || o.forward_retry_4xx) {
        return refuse("--forward-insecure and --forward-retry-4xx need --forward URL");
    }
    config.ca_file = o.ca_file;
    return {std::move(config), {}};
}

}  // namespace hookbot::listen
