#include <cstdlib>
#include <string>

#include "hookbot/token_cli/make_tokens.hpp"

namespace hookbot::token_cli {

environment_lookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        // getenv needs a NUL-terminated name.
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

}  // namespace hookbot::token_cli
