#include "control/attach.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>
#include <thread>
#include <variant>

#include "control/reconnect_backoff.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {
namespace {

// Connects, retrying while nothing listens at `path` yet.
handoff::channel connect_when_listening(const std::string& path) {
    auto backoff = first_reconnect_backoff;
    bool logged = false;
    for (;;) {
        try {
            return handoff::channel::connect(path);
        } catch (const std::system_error& e) {
            if (!logged) {
                logged = true;
                log::warning("--attach: cannot connect to the control socket ", path, ": ",
                             e.what(), "; retrying until it answers");
            }
        }
        // Nothing else runs yet: the event loop starts once the worker has joined.
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, max_reconnect_backoff);
    }
}

// Waits for `fd` to be ready for `events` until `deadline`; false on timeout.
bool wait_ready(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd ready{fd, events, 0};
        const int n = ::poll(&ready, 1, static_cast<int>(left.count()));
        if (n > 0) return true;
        if (n == -1 && errno != EINTR) {
            throw std::system_error(errno, std::system_category(), "poll on the control socket");
        }
    }
}

}  // namespace

handoff::instance_description ask_instance(const std::string& control_path,
                                           std::chrono::milliseconds answer_timeout) {
    handoff::channel channel = connect_when_listening(control_path);
    const auto deadline = std::chrono::steady_clock::now() + answer_timeout;
    const auto timed_out = [&control_path] {
        return std::runtime_error("--attach: the acceptor at " + control_path +
                                  " did not say which instance it serves");
    };
    while (channel.send(handoff::attach_query{}) != handoff::channel::send_result::sent) {
        if (!wait_ready(channel.fd(), POLLOUT, deadline)) throw timed_out();
    }
    for (;;) {
        std::optional<handoff::channel::received> in;
        switch (channel.receive(in)) {
            case handoff::channel::receive_status::closed:
                throw std::runtime_error("--attach: the acceptor at " + control_path +
                                         " closed the connection without an answer");
            case handoff::channel::receive_status::would_block:
                if (!wait_ready(channel.fd(), POLLIN, deadline)) throw timed_out();
                continue;
            case handoff::channel::receive_status::ready:
                break;
        }
        const auto* description = std::get_if<handoff::instance_description>(&in->body);
        if (description == nullptr) {
            throw std::runtime_error("--attach: the acceptor at " + control_path +
                                     " answered with an unexpected message");
        }
        if (description->workers_terminate_tls) {
            throw attach_refused(
                "--attach: instance \"" + description->instance +
                "\" terminates TLS in its workers, on the public socket that only serve's own "
                "workers inherit; an attached worker cannot accept there. Add workers to it "
                "with SIGUSR1 to hookbot serve instead");
        }
        return *description;
    }
}

}  // namespace hookbot::fanout
