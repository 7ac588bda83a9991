#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "hookbot/handoff/message.hpp"
#include "hookbot/handoff/sealed_body.hpp"

namespace hookbot::fanout {

// What the cluster's stream gave a resume (handoff::stream_messages): the
// subscription's messages among the sequences read_from..read_through.
struct stream_batch {
    std::uint64_t read_from = 0;     // 0 (sequences start at 1): nothing was read
    std::uint64_t read_through = 0;  // below read_from: nothing was read
    std::optional<handoff::mapped_sealed_body> messages;  // handoff/stream_batch.hpp; none: empty

    [[nodiscard]] bool read_any() const noexcept {
        return read_from != 0 && read_through >= read_from;
    }
};

// Cluster mode (docs/ARCHITECTURE.md, "A cluster"): a resume from an id
// older than what the bus retains asks the stream for what it missed.
class stream_fetcher {
  public:
    using done_handler = std::function<void(stream_batch)>;

    stream_fetcher() = default;
    stream_fetcher(const stream_fetcher&) = delete;
    stream_fetcher& operator=(const stream_fetcher&) = delete;
    virtual ~stream_fetcher() = default;

    // `done` is called once, on the worker's thread, never from inside this
    // call; with nothing read when the acceptor could not serve it in time.
    // `request.id` is the fetcher's to set.
    virtual void fetch(handoff::stream_fetch request, done_handler done) = 0;
};

}  // namespace hookbot::fanout
