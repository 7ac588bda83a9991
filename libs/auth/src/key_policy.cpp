#include "hookbot/auth/key_policy.hpp"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <stdexcept>

namespace hookbot::auth {

bool is_placeholder_key(std::string_view key) noexcept {
    return std::ranges::any_of(placeholder_keys, [key](std::string_view placeholder) {
        return boost::algorithm::iequals(key, placeholder);
    });
}

void check_serving_keys(const std::vector<std::string>& keys) {
    if (keys.empty()) throw std::invalid_argument("no key");
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::string which = keys.size() == 1 ? "the key"
                                                   : "key " + std::to_string(i + 1) + " of " +
                                                         std::to_string(keys.size());
        if (keys[i].empty()) throw std::invalid_argument(which + " is empty");
        if (is_placeholder_key(keys[i])) {
            throw std::invalid_argument(which +
                                        " is a well-known placeholder, not a secret; make one with "
                                        "`head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'`");
        }
    }
}

}  // namespace hookbot::auth
