#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "hookbot/handoff/message.hpp"

namespace hookbot::fanout {

// The instance refuses workers that attach (built-in TLS: only serve's own
// workers hold the public socket they would accept on). Restarting cannot help.
class attach_refused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// `hookbot-fanout --attach PATH`: asks the acceptor listening on the control
// socket `control_path` which instance it serves, before the worker opens the
// bus. Blocks: it runs before the event loop exists. Waits for the socket to
// appear (an instance starting after this worker, as systemd may order them),
// retrying with backoff and logging once; then waits at most `answer_timeout`
// for the answer. Throws attach_refused, or std::runtime_error when the
// acceptor does not answer.
handoff::instance_description ask_instance(
    const std::string& control_path,
    std::chrono::milliseconds answer_timeout = std::chrono::seconds(5));

}  // namespace hookbot::fanout
