#pragma once

#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"

namespace hookbot {

// `hookbot make-tokens`: the same tool as `hookbot-tokens`, with the global
// --key or --key-file given before the command.
int run_make_tokens_command(const std::vector<std::string>& args, const auth::key_flags& flags);

}  // namespace hookbot
