#pragma once

#include <optional>
#include <string>

#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::handoff {

// One end of a connected, non-blocking SOCK_SEQPACKET Unix socket. Callers
// plug fd() into their event loop and call send/receive when it is ready.
class channel {
  public:
    explicit channel(posix::unique_fd socket);

    // Connects to the control socket at `path`. Throws std::system_error.
    static channel connect(const std::string& path);
    // A connected pair (tests).
    static std::pair<channel, channel> pair();

    [[nodiscard]] int fd() const noexcept { return socket_.get(); }

    enum class send_result { sent, would_block, closed };
    // Sends one message with `attached` (or no fd when -1). The fd stays
    // owned by the caller: the kernel duplicates it into the peer.
    send_result send(const message& m, int attached = -1);

    struct received {
        message body;
        posix::unique_fd attached;  // invalid when the message carried none
    };
    enum class receive_status { ready, would_block, closed };
    // ready (one message in `out`), would_block, or closed on EOF or a
    // malformed packet.
    // Throws std::system_error on other socket errors.
    receive_status receive(std::optional<received>& out);

  private:
    posix::unique_fd socket_;
};

// A listening SOCK_SEQPACKET socket bound to `path` (replacing a stale file).
posix::unique_fd listen_control_socket(const std::string& path);

}  // namespace hookbot::handoff
