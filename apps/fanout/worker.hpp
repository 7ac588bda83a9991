#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bus/bus_tailer.hpp"
#include "control/control_link.hpp"
#include "control/stream_fetches.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/tls/context_source.hpp"
#include "options.hpp"
#include "tls_front/request_forwarder.hpp"
#include "tls_front/tls_http_session.hpp"
#include "tls_front/tls_listener.hpp"
#include "topics/subscriptions.hpp"

namespace hookbot::fanout {

// One fanout worker: the bus tailer, the control link and the subscribers,
// joined on one io_context. `registry` must outlive the io_context (see
// subscriptions). With built-in TLS (`tls_contexts` set and
// options.listen_fd) it also accepts TLS connections on the shared public
// socket and forwards their requests to the acceptor.
class worker {
  public:
    worker(boost::asio::io_context& ioc, const shm_ring::bus& source, std::uint32_t slot,
           subscriptions& registry, const fanout_options& options,
           tls::context_source* tls_contexts = nullptr);
    ~worker();
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    void start();
    // Drains (SIGTERM): tells the acceptor to hand this worker no more
    // subscribers and waits for its acknowledgement (at most
    // drain_ack_timeout; a lost control link counts as one), delivering
    // meanwhile. Then stops reading the bus, closes every subscriber with
    // 1001, and stops the io_context once they are gone or `grace` has
    // passed, whichever is first.
    void stop(std::chrono::milliseconds grace);

    static constexpr std::chrono::milliseconds drain_ack_timeout{1000};
    // The grace of a close this worker starts on its own (its instance gone
    // or restarted; stop() brings its own). It was 0: the io_context stopped
    // at once, and close frames still waiting for a slice of flushes were
    // never written (clients saw 1006, not 1001). A subscriber that does not
    // answer is finished by its own going-away deadline first.
    static constexpr std::chrono::milliseconds own_close_grace{2000};

    // 0, or 1 when the worker stopped because the instance it had attached
    // to is gone or was restarted (a new bus): whoever started it should
    // start it again.
    [[nodiscard]] int exit_status() const noexcept { return exit_status_; }

  private:
    void on_handoff(handoff::subscriber request, posix::unique_fd connection);
    // Refreshes the slot's subscribers-per-topic-prefix table now and then.
    void publish_topic_prefixes_every(std::chrono::milliseconds period);
    // The drain's second half: nothing more will be handed to this worker.
    void close_subscribers();
    // A worker started with --attach outlives the instance it joined: when
    // the control link drops, or answers again, the bus behind it may be
    // gone or a new one. Then it closes every subscriber, sets exit status 1
    // and answers false.
    [[nodiscard]] bool same_bus_as_joined();

    boost::asio::io_context& ioc_;
    subscriptions& registry_;
    subscriber_limits limits_;
    std::uint32_t max_subscribers_;
    bus_tailer tailer_;
    control_link control_;
    request_forwarder forwarder_;
    stream_fetches stream_;  // cluster mode: resumes older than the bus
    tls_session_shared tls_shared_;
    std::optional<tls_listener> tls_;
    const shm_ring::bus& source_;
    std::string instance_;
    std::string bus_dir_;
    bool attached_;
    int exit_status_ = 0;
    boost::asio::steady_timer drain_ack_deadline_;
    boost::asio::steady_timer shutdown_deadline_;
    boost::asio::steady_timer prefix_refresh_;
    std::chrono::milliseconds close_grace_{own_close_grace};
    bool draining_ = false;  // asked the acceptor for no more subscribers
    bool closing_ = false;   // closing every subscriber; no handoff is taken
};

}  // namespace hookbot::fanout
