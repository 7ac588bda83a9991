#pragma once

#include <cstdint>

namespace hookbot::fanout {

// Where a subscriber's connection is in its life, the close handshake
// (RFC 6455 5.5.1, 7.1) included, as one state:
//
//   handshaking ──101──▶ open ──we close──▶ closing ──ours written──▶ close_sent
//       │                 │                   │                          │
//       │ we close        │ theirs came       │ theirs came              │ theirs came
//       ▼                 ▼                   ▼                          ▼
//   close_after_101    closing_final ◀────────┘                        closed
//       │ 101             │ ours written
//       ▼                 ▼
//    closing            closed
//
// "Theirs came" is also a client that broke the protocol: nothing more is
// read from it, and our close frame is the last thing sent (RFC 6455 7.1.7).
// An error, a timeout or the end of the connection goes to closed from any
// state. Each event returns what the subscriber must do; `finish` is the
// subscriber ending the connection, which then calls end().
class close_handshake {
  public:
    enum class state : std::uint8_t {
        handshaking,      // the 101 is being written
        close_after_101,  // a close was asked for meanwhile: it follows the 101
        open,
        closing,        // our close frame is queued (nothing follows it)
        closing_final,  // ours is queued and nothing more is read: once written, the end
        close_sent,     // ours is written: waiting for theirs
        closed,         // the connection is over
    };
    enum class action : std::uint8_t { none, queue_close, finish };

    [[nodiscard]] state now() const noexcept { return state_; }
    // Messages may be queued (they are sent after the 101).
    [[nodiscard]] bool accepts_messages() const noexcept {
        return state_ == state::handshaking || state_ == state::open;
    }
    // Our close frame is queued or sent: no frame may follow it.
    [[nodiscard]] bool close_queued() const noexcept {
        return state_ == state::closing || state_ == state::closing_final ||
               state_ == state::close_sent;
    }
    // The client's frames are still read.
    [[nodiscard]] bool reading() const noexcept {
        return state_ == state::open || state_ == state::closing || state_ == state::close_sent;
    }
    [[nodiscard]] bool closed() const noexcept { return state_ == state::closed; }

    // The 101 is written.
    action answered() noexcept {
        if (state_ == state::handshaking) state_ = state::open;
        if (state_ != state::close_after_101) return action::none;
        state_ = state::closing;
        return action::queue_close;
    }
    // We close (a slow subscriber, a stopping worker).
    action we_close() noexcept {
        if (state_ == state::handshaking) state_ = state::close_after_101;
        if (state_ != state::open) return action::none;
        state_ = state::closing;
        return action::queue_close;
    }
    // The client's close frame came, or it broke the protocol.
    action client_done() noexcept {
        switch (state_) {
            case state::open:
                state_ = state::closing_final;
                return action::queue_close;
            case state::closing:
                state_ = state::closing_final;  // ours, queued, answers it
                return action::none;
            case state::close_sent:
                return action::finish;
            default:
                return action::none;
        }
    }
    // Our close frame is written.
    action close_written() noexcept {
        if (state_ == state::closing) state_ = state::close_sent;
        return state_ == state::closing_final ? action::finish : action::none;
    }
    void end() noexcept { state_ = state::closed; }

  private:
    state state_ = state::handshaking;
};

}  // namespace hookbot::fanout
