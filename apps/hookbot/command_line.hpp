#pragma once

#include <boost/program_options/options_description.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hookbot {

// Parses a command's own arguments into the values `description` binds, the
// one way every `hookbot COMMAND` answers its command line:
// - an unknown option or a bad value: "COMMAND: <why>" and the options on
//   stderr, exit status 1;
// - --help (a bool_switch named "help" in `description`): the options on
//   stdout, exit status 0.
// Returns the exit status when the command should stop there, nullopt when
// it should go on. `command` is the name the messages start with, e.g.
// "hookbot serve".
std::optional<int> parse_command_line(
    std::string_view command, const std::vector<std::string>& args,
    const boost::program_options::options_description& description);

}  // namespace hookbot
