#include "make_tokens_command.hpp"

#include <iostream>

#include "hookbot/token_cli/make_tokens.hpp"

namespace hookbot {

int run_make_tokens_command(const std::vector<std::string>& args, const auth::key_flags& flags) {
    // A global flag stands in for its environment variable and hides the
    // other one, so it wins over the environment; make-tokens' own --key and
    // --key-file, after the command, still win over it.
    const auto process = token_cli::process_environment();
    const bool flag_given = !flags.key.empty() || !flags.key_file.empty();
    const token_cli::environment_lookup env =
        [&](std::string_view name) -> std::optional<std::string> {
        const auto flag = [](const std::string& value) {
            return value.empty() ? std::nullopt : std::optional<std::string>(value);
        };
        if (flag_given && name == "HOOKBOT_KEY") return flag(flags.key);
        if (flag_given && name == "HOOKBOT_KEY_FILE") return flag(flags.key_file);
        return process(name);
    };
    return token_cli::run_make_tokens("hookbot make-tokens", args, env, std::cout, std::cerr);
}

}  // namespace hookbot
