#include "command_line.hpp"

#include <boost/program_options.hpp>
#include <iostream>

namespace hookbot {

namespace po = boost::program_options;

std::optional<int> parse_command_line(std::string_view command,
                                      const std::vector<std::string>& args,
                                      const po::options_description& description) {
    po::variables_map values;
    try {
        po::store(po::command_line_parser(args).options(description).run(), values);
        po::notify(values);
    } catch (const po::error& e) {
        std::cerr << command << ": " << e.what() << "\n" << description;
        return 1;
    }
    if (values.count("help") > 0 && values["help"].as<bool>()) {
        std::cout << description;
        return 0;
    }
    return std::nullopt;
}

}  // namespace hookbot
