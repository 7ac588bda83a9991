#pragma once

#include <optional>

#include "hookbot/posix/unique_fd.hpp"
#include "serve/listen_address.hpp"

namespace hookbot::serve {

// Socket activation (systemd.socket(5), sd_listen_fds(3)): the listening TCP
// socket systemd passed as fd 3, made non-blocking and close-on-exec like
// bind_tcp_listener's. nullopt when none was passed (no LISTEN_FDS for this
// pid). LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES are removed from the
// environment either way, so the children never mistake them for theirs.
// Throws std::runtime_error when systemd passed anything but exactly one
// listening TCP socket: serving on something else than the unit says would be
// a silent misconfiguration.
std::optional<posix::unique_fd> socket_from_systemd();

// Where a listening socket is bound, as --bind would have said it: an empty
// host for the wildcard addresses. Throws std::system_error.
listen_address local_address(int socket_fd);

}  // namespace hookbot::serve
