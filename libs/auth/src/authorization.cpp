#include "hookbot/auth/authorization.hpp"

#include <array>
#include <cstddef>

#include "hookbot/auth/base64.hpp"

namespace hookbot::auth {
namespace {

bool is_whitespace(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// The scheme names are ASCII. (boost::algorithm::iequals copies a std::locale
// per call, which showed up in every request's profile.)
bool equals_ignoring_ascii_case(std::string_view text, std::string_view lowercase) noexcept {
    if (text.size() != lowercase.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char lowered = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        if (lowered != lowercase[i]) return false;
    }
    return true;
}

struct scheme_and_credential {
    std::string_view scheme;
    std::string_view credential;
};

// Like Go's strings.Fields, but only a result of exactly two fields counts.
std::optional<scheme_and_credential> split_two_fields(std::string_view value) {
    std::array<std::string_view, 2> fields;
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < value.size()) {
        if (is_whitespace(value[i])) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < value.size() && !is_whitespace(value[i])) ++i;
        if (count == fields.size()) return std::nullopt;
        fields[count++] = value.substr(start, i - start);
    }
    if (count != fields.size()) return std::nullopt;
    return scheme_and_credential{fields[0], fields[1]};
}

// "user:password" -> "user"; the password is ignored (T2).
std::optional<std::string> user_of_basic(std::string_view credential) {
    std::optional<std::string> user_and_password = base64_decode(credential);
    if (!user_and_password) return std::nullopt;
    const std::size_t colon = user_and_password->find(':');
    if (colon == std::string::npos) return std::nullopt;
    user_and_password->resize(colon);
    return user_and_password;
}

}  // namespace

std::optional<std::string> token_from_authorization(std::string_view header_value) {
    const auto fields = split_two_fields(header_value);
    if (!fields) return std::nullopt;
    std::optional<std::string> token;
    if (equals_ignoring_ascii_case(fields->scheme, "basic")) {
        token = user_of_basic(fields->credential);
    } else if (equals_ignoring_ascii_case(fields->scheme, "bearer")) {
        token = std::string(fields->credential);
    }
    if (token && token->empty()) return std::nullopt;
    return token;
}

}  // namespace hookbot::auth
