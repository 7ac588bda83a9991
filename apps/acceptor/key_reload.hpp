#pragma once

#include "hookbot/auth/verifier.hpp"
#include "options.hpp"

// The keys the acceptor checks tokens with: the one key it was given, or the
// keys of its --key-file, which SIGHUP re-reads (README "Keys": rotation).
namespace hookbot::acceptor {

// The verifier for the keys in `options`. Throws std::exception with the
// reason when the key file cannot be read, or a key is empty or a
// placeholder (auth::check_serving_keys).
auth::verifier load_verifier(const acceptor_options& options);

// SIGHUP: with a key file, reads it again and, if it is usable, puts its keys
// in `in_use`; otherwise logs why and keeps the keys in use, so that a
// half-written file never locks every client out. Without a key file, logs
// that there is nothing to reload. Call it on the event loop's thread: a
// request's token is checked whole within one handler, so each request sees
// either the old keys or the new ones, never a mix.
void reload_verifier(const acceptor_options& options, auth::verifier& in_use);

}  // namespace hookbot::acceptor
