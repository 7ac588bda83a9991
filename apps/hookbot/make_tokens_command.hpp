#pragma once

#include <string>
#include <vector>

namespace hookbot {

// `hookbot make-tokens`: the same tool as `hookbot-tokens`, with the global
// --key given before the command.
int run_make_tokens_command(const std::vector<std::string>& args, const std::string& key);

}  // namespace hookbot
