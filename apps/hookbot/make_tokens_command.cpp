#include "make_tokens_command.hpp"

#include <iostream>

#include "hookbot/token_cli/make_tokens.hpp"

namespace hookbot {

int run_make_tokens_command(const std::vector<std::string>& args, const std::string& key) {
    // The global --key wins over HOOKBOT_KEY, which `key` already reflects.
    const auto process = token_cli::process_environment();
    const token_cli::environment_lookup env =
        [&](std::string_view name) -> std::optional<std::string> {
        if (name == "HOOKBOT_KEY") {
            if (key.empty()) return std::nullopt;
            return key;
        }
        return process(name);
    };
    return token_cli::run_make_tokens("hookbot make-tokens", args, env, std::cout, std::cerr);
}

}  // namespace hookbot
