#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace hookbot::fanout {

// A subscriber's control frames (pong, ping, close) on their way out: those
// waiting for the next write, and those a write is sending (it may point
// into them until they are written).
//
// At most one pong waits: a newer ping replaces it (RFC 6455 5.5.3 lets a
// pong answer only the most recent ping), so a client that floods pings has
// its last one answered at the next write, and holds ~130 bytes here
// whatever it sends.
class control_frames {
  public:
    void pong(std::string_view payload);
    void ping();
    void close(std::uint16_t code, std::string_view reason);
    // An event stream's keep-alive: a comment line, which carries no id.
    void keep_alive_comment();

    // What a write sends next of the control frames: the rest of those being
    // sent, or else those waiting, which are being sent from now on.
    std::string_view next();
    // `bytes` of next() were written.
    void written(std::size_t bytes) noexcept;
    // Nothing waits or is being sent.
    [[nodiscard]] bool empty() const noexcept { return waiting_.empty() && sending_.empty(); }

  private:
    static constexpr std::uint16_t no_pong = std::numeric_limits<std::uint16_t>::max();

    std::string waiting_;
    std::string sending_;
    std::uint16_t sent_ = 0;           // bytes of sending_ written
    std::uint16_t pong_at_ = no_pong;  // where the waiting pong starts in waiting_
};

}  // namespace hookbot::fanout
