#include "hookbot/auth/key_source.hpp"

#include <filesystem>
#include <stdexcept>

#include "hookbot/auth/key_file.hpp"

namespace hookbot::auth {
namespace {

std::optional<std::string> non_empty(std::optional<std::string> value) {
    if (value && value->empty()) return std::nullopt;
    return value;
}

// One level of the order: a literal key or a file, not both.
std::optional<key_source> one_of(const std::optional<std::string>& key, std::string_view key_name,
                                 const std::optional<std::string>& file,
                                 std::string_view file_name) {
    if (key && file) {
        throw std::invalid_argument("both " + std::string(key_name) + " and " +
                                    std::string(file_name) + " are given; keep one");
    }
    if (file)
        return key_source{key_source::kind::file, *file, std::string(file_name) + " " + *file};
    if (key) return key_source{key_source::kind::literal, *key, std::string(key_name)};
    return std::nullopt;
}

}  // namespace

std::optional<key_source> find_key_source(const key_flags& flags, const environment_lookup& env) {
    const auto flag = [](const std::string& value) {
        return value.empty() ? std::nullopt : std::optional<std::string>(value);
    };
    if (auto source = one_of(flag(flags.key), "--key", flag(flags.key_file), "--key-file")) {
        return source;
    }
    if (auto source = one_of(non_empty(env("HOOKBOT_KEY")), "HOOKBOT_KEY",
                             non_empty(env("HOOKBOT_KEY_FILE")), "HOOKBOT_KEY_FILE")) {
        return source;
    }
    if (const auto directory = non_empty(env("CREDENTIALS_DIRECTORY"))) {
        const std::string path = (std::filesystem::path(*directory) / credential_name).string();
        std::error_code ignored;
        if (std::filesystem::exists(path, ignored)) {
            return key_source{key_source::kind::file, path, "systemd credential " + path};
        }
    }
    return std::nullopt;
}

std::vector<std::string> load_keys(const key_source& source) {
    if (source.is_file()) return read_key_file(source.value);
    return {source.value};
}

}  // namespace hookbot::auth
