#include "tool_keys.hpp"

#include <ostream>
#include <stdexcept>

namespace hookbot::token_cli {

std::optional<std::vector<std::string>> tool_keys(std::string_view program,
                                                  const auth::key_flags& flags,
                                                  const auth::environment_lookup& env,
                                                  std::ostream& err) {
    try {
        const std::optional<auth::key_source> source = auth::find_key_source(flags, env);
        if (!source) {
            err << program << ": HOOKBOT_KEY not set (set it, or give --key or --key-file)\n";
            return std::nullopt;
        }
        return auth::load_keys(*source);
    } catch (const std::exception& e) {
        err << program << ": " << e.what() << "\n";
        return std::nullopt;
    }
}

}  // namespace hookbot::token_cli
