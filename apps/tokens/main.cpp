// hookbot-tokens: prints tokens and token-carrying URLs (docs/PROTOCOL.md C2, D8);
// `hookbot-tokens verify URL` checks one.
#include <iostream>
#include <string>
#include <vector>

#include "hookbot/token_cli/make_tokens.hpp"
#include "hookbot/token_cli/verify_token.hpp"
#include "hookbot/version/version.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args.front() == "--version" || args.front() == "-v")) {
        std::cout << hookbot::version::line("hookbot-tokens");
        return 0;
    }
    const auto env = hookbot::token_cli::process_environment();
    if (!args.empty() && args.front() == "verify") {
        args.erase(args.begin());
        return hookbot::token_cli::run_verify_token("hookbot-tokens", args, env, std::cout,
                                                    std::cerr);
    }
    return hookbot::token_cli::run_make_tokens("hookbot-tokens", args, env, std::cout, std::cerr);
}
