#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/token_cli/make_tokens.hpp"

// Runs a token tool's entry (run_make_tokens, run_verify_token) as the
// hookbot-tokens command line would, and keeps what it said.
struct run_result {
    int status = -1;
    std::string out;
    std::string err;
};

template <typename Tool>
run_result run_tool(Tool tool, const std::vector<std::string>& args,
                    const hookbot::token_cli::environment_lookup& env) {
    std::ostringstream out;
    std::ostringstream err;
    run_result result;
    result.status = tool("hookbot-tokens", args, env, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}
