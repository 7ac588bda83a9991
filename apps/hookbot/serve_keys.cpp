#include "serve_keys.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "hookbot/auth/key_policy.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/token_cli/make_tokens.hpp"

namespace hookbot::serve {

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
