#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Where the server's token keys come from (README "Keys"), first found wins:
//
//   1. the command line: --key-file PATH, or --key KEY
//   2. the environment:  HOOKBOT_KEY_FILE=PATH, or HOOKBOT_KEY=KEY
//   3. the systemd credential $CREDENTIALS_DIRECTORY/hookbot-key
//      (a unit's `LoadCredential=hookbot-key:/etc/hookbot/key`)
//
// Both spellings at one level (--key and --key-file, or both variables) are
// an error rather than a silent choice. An empty value counts as unset, as an
// empty HOOKBOT_KEY always has (docs/PROTOCOL.md C1).
namespace hookbot::auth {

// The value of an environment variable, or nullopt when it is unset.
using environment_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// What a command line gave; empty: not given.
struct key_flags {
    std::string key;
    std::string key_file;
};

struct key_source {
    enum class kind { literal, file };
    kind form = kind::literal;
    std::string value;  // the key itself, or the file's path
    // For logs and messages; never the key: "--key-file /etc/hookbot/key",
    // "HOOKBOT_KEY", "systemd credential /run/credentials/hookbot.service/hookbot-key".
    std::string description;

    [[nodiscard]] bool is_file() const noexcept { return form == kind::file; }
};

// The systemd credential's name, under $CREDENTIALS_DIRECTORY.
inline constexpr std::string_view credential_name = "hookbot-key";

// The source that applies, or nullopt when there is none at all (the caller
// says "HOOKBOT_KEY not set"). The credential counts only when its file
// exists. Throws std::invalid_argument for two sources at one level.
std::optional<key_source> find_key_source(const key_flags& flags, const environment_lookup& env);

// Its keys, the signing key first: one for a literal key, the file's for a
// file (read_key_file: throws std::runtime_error naming the file).
std::vector<std::string> load_keys(const key_source& source);

}  // namespace hookbot::auth
