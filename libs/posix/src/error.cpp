#include "hookbot/posix/error.hpp"

#include <cerrno>
#include <string>

namespace hookbot::posix {

void throw_errno(std::string_view what) {
    throw_errno(errno, what);
}

void throw_errno(int error, std::string_view what) {
    throw std::system_error(error, std::generic_category(), std::string(what));
}

}  // namespace hookbot::posix
