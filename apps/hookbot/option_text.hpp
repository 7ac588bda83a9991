#pragma once

#include <sstream>
#include <string>

namespace hookbot::serve {

// An option's value as a child's command line spells it (as the stream
// prints it: the child parses it back with the same program_options).
template <typename T>
std::string option_text(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace hookbot::serve
