#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "hookbot/client/envelope.hpp"
#include "hookbot/client/resume_target.hpp"
#include "hookbot/client/state_file.hpp"
#include "hookbot/client/subscription.hpp"

// A subscription that misses nothing it could have had: the C++ form of the
// original hookbot's RetryingWatch (a stream of messages and a stream of
// errors), with resume.
//
//   connect ─▶ GET <target>?format=json[&since=<last id>] ─▶ read ─▶ on_message ─┐
//      ▲                                                                          │ handled:
//      └── backoff (jittered, capped, reset by a stable connection) ◀── failure   │ remember id,
//                                                                                 ▼ save --state
//
// Every message arrives as a JSON envelope with its id; once the handler says
// it is handled, its id is the resume point of every later connection (and,
// with a state file, of the next process). A server without ids (binary
// frames) still works: its messages come with no id, and a reconnect then
// resumes from the last id known, or from live messages.
namespace hookbot::client {

// A listener's connection: the original client's pings and dead-connection
// timeout, room for the largest body a server takes (25 MiB, a third more as
// base64 in JSON), and a backoff from 1 s doubling to 30 s, ± 20 %.
inline subscription_options watch_connection_defaults() {
    subscription_options options;
    options.max_message_bytes = std::size_t{64} << 20;
    options.reconnect =
        backoff_options{std::chrono::milliseconds{1000}, std::chrono::milliseconds{30000}, 0.2,
                        std::chrono::milliseconds{30000}};
    return options;
}

struct watch_options {
    subscription_options connection = watch_connection_defaults();
    // Where the first connection resumes: after this id. Unset: after the
    // state file's id; with neither, the URL's own `since` or live messages.
    std::optional<std::string> since;
    std::optional<std::string> state_path;  // --state FILE
};

// What the message stream carries, in the order the server sent it.
using watch_event = std::variant<watch_message, gap_notice>;

// The handler's answer for a message.
enum class disposition {
    handled,    // its id becomes the resume point (and is saved); read on
    unhandled,  // stop now, resume point unchanged: it comes again next time
};

// What the error stream carries. None of them stops the watch.
struct watch_error {
    enum class kind {
        connection,  // connect, TLS, handshake or read failed; retried after retry_in
        bad_frame,   // a frame that is not a valid envelope; skipped
        state,       // the state file could not be written; the id is kept in memory
    };
    kind what = kind::connection;
    std::string description;  // one line: what failed, where, why
    std::chrono::milliseconds retry_in{0};
};

class retrying_watch {
  public:
    using message_stream = std::function<net::awaitable<disposition>(const watch_event& event)>;
    using error_stream = std::function<void(const watch_error& error)>;

    // `url` must be a ws:// or wss:// subscription URL (std::invalid_argument
    // otherwise); a state file that exists must hold an id
    // (std::runtime_error otherwise, from state_file::load).
    retrying_watch(const net::any_io_executor& executor, server_url url, header_list headers,
                   net::ssl::context& tls, watch_options options = {});

    // Connects, and reconnects, until stop() or an unhandled message. Each
    // message is awaited before the next is read: one at a time, in order.
    net::awaitable<void> run(message_stream on_message, error_stream on_error);

    // Ends run() after the message in hand (its handler's answer decides
    // whether it counts as handled).
    void stop();

    // The id of the last message handled, or the resume point given at start.
    [[nodiscard]] const std::optional<std::string>& last_id() const noexcept { return last_id_; }

  private:
    net::awaitable<void> on_frame(received_frame frame, const message_stream& on_message,
                                  const error_stream& on_error);
    void handled(const std::string& id, const error_stream& on_error);

    std::string user_target_;  // the URL's own path and query
    subscribed_topic topic_;   // for binary frames, which do not name it
    std::optional<state_file> state_;
    std::optional<std::string> last_id_;
    subscription subscription_;
};

}  // namespace hookbot::client
