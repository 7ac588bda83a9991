// hookbot-tokens: prints tokens and token-carrying URLs (PROTOCOL.md C2, D8);
// `hookbot-tokens verify URL` checks one.
#include <iostream>
#include <string>
#include <vector>

#include "hookbot/token_cli/make_tokens.hpp"
#include "hookbot/token_cli/verify_token.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const auto env = hookbot::token_cli::process_environment();
    if (!args.empty() && args.front() == "verify") {
        args.erase(args.begin());
        return hookbot::token_cli::run_verify_token("hookbot-tokens", args, env, std::cout,
                                                    std::cerr);
    }
    return hookbot::token_cli::run_make_tokens("hookbot-tokens", args, env, std::cout, std::cerr);
}
