#include "hookbot/version/version.hpp"

#include "build_info.hpp"

namespace hookbot::version {

std::string_view number() {
    return build_info::number;
}

std::string_view commit() {
    return build_info::commit;
}

std::string line(std::string_view program) {
    std::string text(program);
    text += " version ";
    text += number();
    text += " (commit ";
    text += commit();
    text += ")\n";
    return text;
}

}  // namespace hookbot::version
