#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "hookbot/limits/limit.hpp"

namespace hookbot::limits {

// Adds `spec` to `options`, bound to `value` (which starts at the default).
// A value out of range fails the parse (in po::notify) with a po::error that
// names the option and its range.
template <typename T>
void add_option(boost::program_options::options_description& options, const limit<T>& spec,
                T& value);

// The same for a limit in seconds kept as milliseconds.
void add_option(boost::program_options::options_description& options, const seconds_limit& spec,
                std::chrono::milliseconds& value);

// The same for a choice: a value not among spec.allowed fails the parse.
void add_option(boost::program_options::options_description& options, const choice& spec,
                std::string& value);

// Appends "--name value" to a child's command line, as the child's own
// add_option parses it back.
template <typename T>
void pass_on(std::vector<std::string>& args, const limit<T>& spec, const T& value);
void pass_on(std::vector<std::string>& args, const seconds_limit& spec,
             std::chrono::milliseconds value);
void pass_on(std::vector<std::string>& args, const choice& spec, const std::string& value);

}  // namespace hookbot::limits
