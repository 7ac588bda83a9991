#include "serve/serve_keys.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "hookbot/auth/key_policy.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/token_cli/make_tokens.hpp"

namespace hookbot::serve {
namespace {

// A world-readable key file gives every local user the key. Group read is
// left alone: root:hookbot 0640 is a sound way to share it with the service.
void warn_if_world_readable(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
        log::warning("key file ", path, " is readable by every user; chmod o-r it");
    }
}

}  // namespace

std::optional<auth::key_source> serving_key_source(const auth::key_flags& flags) {
    try {
        std::optional<auth::key_source> source =
            auth::find_key_source(flags, token_cli::process_environment());
        if (!source) {
            std::cerr << "HOOKBOT_KEY not set\n";
            return std::nullopt;
        }
        const std::vector<std::string> keys = auth::load_keys(*source);
        try {
            auth::check_serving_keys(keys);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(source->description + ": " + e.what());
        }
        if (source->is_file()) {
            // The acceptor reads it again, and on SIGHUP, perhaps from
            // another directory.
            source->value = std::filesystem::absolute(source->value).string();
            warn_if_world_readable(source->value);
        }
        log::info("token keys: ", keys.size(), " from ", source->description,
                  source->is_file() ? " (the first signs; SIGHUP re-reads the file)" : "");
        return source;
    } catch (const std::exception& e) {
        std::cerr << "hookbot serve: " << e.what() << "\n";
        return std::nullopt;
    }
}

void hand_keys_to_acceptor(const auth::key_source& source,
                           std::vector<std::string>& acceptor_args) {
    ::unsetenv("HOOKBOT_KEY_FILE");
    if (source.is_file()) {
        ::unsetenv("HOOKBOT_KEY");
        acceptor_args.insert(acceptor_args.end(), {"--key-file", source.value});
    } else {
        ::setenv("HOOKBOT_KEY", source.value.c_str(), 1);
    }
}

}  // namespace hookbot::serve
