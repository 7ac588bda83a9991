#include "key_reload.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/auth/key_file.hpp"
#include "hookbot/auth/key_policy.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {
namespace {

std::vector<std::string> checked_keys(const acceptor_options& options) {
    if (options.key_file.empty()) {
        auth::check_serving_keys({options.key});
        return {options.key};
    }
    std::vector<std::string> keys = auth::read_key_file(options.key_file);
    try {
        auth::check_serving_keys(keys);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("key file " + options.key_file + ": " + e.what());
    }
    return keys;
}

std::string count_of(std::size_t keys) {
    return std::to_string(keys) + (keys == 1 ? " key" : " keys");
}

}  // namespace

auth::verifier load_verifier(const acceptor_options& options) {
    std::vector<std::string> keys = checked_keys(options);
    if (options.key_file.empty()) {
        log::info("checking tokens with the key from HOOKBOT_KEY");
    } else {
        log::info("checking tokens with ", count_of(keys.size()), " from key file ",
                  options.key_file);
    }
    return auth::verifier(std::move(keys), options.only_hash);
}

void reload_verifier(const acceptor_options& options, auth::verifier& in_use) {
    if (options.key_file.empty()) {
        log::info("SIGHUP: nothing to reload (the key came from HOOKBOT_KEY, not a key file)");
        return;
    }
    try {
        std::vector<std::string> keys = checked_keys(options);
        const std::size_t count = keys.size();
        in_use = auth::verifier(std::move(keys), options.only_hash);
        log::info("SIGHUP: reloaded key file ", options.key_file, ": ", count_of(count));
    } catch (const std::exception& e) {
        log::error("SIGHUP: cannot reload the keys (", e.what(), "); still checking tokens with ",
                   count_of(in_use.key_count()), " loaded before");
    }
}

}  // namespace hookbot::acceptor
