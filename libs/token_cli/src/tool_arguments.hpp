#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"

// The command line of a token tool: options, then arguments (URIs, a URL).
namespace hookbot::token_cli {

// Parses `args` against `options`, storing every argument that is not an
// option, in order, as a std::vector<std::string> named `positional`.
// Throws boost::program_options::error (an unknown option, a missing value).
boost::program_options::variables_map parse_tool_arguments(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options, const char* positional);

// The values of --key and --key-file, each empty when not given.
auth::key_flags key_flags_of(const boost::program_options::variables_map& values);

}  // namespace hookbot::token_cli
