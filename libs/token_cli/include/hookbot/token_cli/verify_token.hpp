#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/token_cli/make_tokens.hpp"

// `hookbot-tokens verify URL`: says whether the token a URL carries as its
// user name opens the URL's path, and why (which hash, which scope and,
// with several keys, which of them: "with key 2 of 2", never the key).
namespace hookbot::token_cli {

// Same conventions as run_make_tokens; `args` are those after "verify".
// Exit status: 0 when the token is valid, 1 when it is not or on a usage
// error or missing key.
int run_verify_token(std::string_view program, const std::vector<std::string>& args,
                     const environment_lookup& env, std::ostream& out, std::ostream& err);

}  // namespace hookbot::token_cli
