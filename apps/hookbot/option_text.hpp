#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace hookbot::serve {

// An option's value as a child's command line spells it (as the stream
// prints it: the child parses it back with the same program_options).
template <typename T>
std::string option_text(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// Appends `--name value` to a child's command line.
template <typename T>
void add_option(std::vector<std::string>& args, std::string_view name, const T& value) {
    args.push_back(std::string("--").append(name));
    args.push_back(option_text(value));
}

}  // namespace hookbot::serve
