#pragma once

#include <cstdint>
#include <string>

#include "hookbot/posix/unique_fd.hpp"
#include "serve/listen_address.hpp"
#include "serve/serve_checks.hpp"
#include "serve/serve_options.hpp"
#include "supervisor/supervisor.hpp"

namespace hookbot::serve {

// The public listening socket: the one systemd passed, else bound to --bind.
struct public_listener {
    posix::unique_fd socket;
    listen_address address;
    std::uint16_t port = 0;
    std::string description;  // for the log: "--bind" as given, or what systemd passed
};

// Takes the socket systemd passed (hookbot.socket), or binds --bind. Throws
// std::system_error or std::invalid_argument naming the address.
public_listener open_public_listener(const std::string& bind);

// Fills in what the options left to serve: the instance (named after the
// bound address, so two instances on one host never meet) and the control
// socket.
void name_instance(serve_options& options, const public_listener& listener);

// The children's programs and command lines. Sets their environment too:
// the keys (serve_keys.hpp) and the GitHub secret, which never travel in an
// argument, which every local user can read in /proc.
supervisor_config configure(const serve_options& options, const checked_serve& checked,
                            const std::string& github_secret);

}  // namespace hookbot::serve
