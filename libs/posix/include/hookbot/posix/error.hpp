#pragma once

#include <string_view>
#include <system_error>

namespace hookbot::posix {

// Throws std::system_error for errno, with `what` naming the call and the
// resource, e.g. "bind 127.0.0.1:8080".
[[noreturn]] void throw_errno(std::string_view what);
[[noreturn]] void throw_errno(int error, std::string_view what);

// Returns `result`, or throws for errno when it is -1.
inline int check(int result, std::string_view what) {
    if (result == -1) throw_errno(what);
    return result;
}

}  // namespace hookbot::posix
