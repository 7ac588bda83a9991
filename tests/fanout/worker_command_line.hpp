#pragma once

#include <string>
#include <vector>

#include "options.hpp"

namespace hookbot::fanout::test {

// A worker's command line with the required options, plus `extra`, parsed.
inline command_line worker_command_line(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--instance", "i", "--control", "/tmp/c.sock"};
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_command_line(args);
}

}  // namespace hookbot::fanout::test
