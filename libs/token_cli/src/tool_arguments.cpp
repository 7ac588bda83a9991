#include "tool_arguments.hpp"

#include <boost/program_options.hpp>

namespace hookbot::token_cli {

namespace po = boost::program_options;

po::variables_map parse_tool_arguments(const std::vector<std::string>& args,
                                       const po::options_description& options,
                                       const char* positional) {
    po::options_description all = options;
    all.add_options()(positional, po::value<std::vector<std::string>>());
    po::positional_options_description positional_description;
    positional_description.add(positional, -1);
    po::variables_map values;
    po::store(po::command_line_parser(args).options(all).positional(positional_description).run(),
              values);
    po::notify(values);
    return values;
}

auth::key_flags key_flags_of(const po::variables_map& values) {
    auth::key_flags flags;
    if (values.count("key") > 0) flags.key = values["key"].as<std::string>();
    if (values.count("key-file") > 0) flags.key_file = values["key-file"].as<std::string>();
    return flags;
}

}  // namespace hookbot::token_cli
