#include "command_line.hpp"

#include <boost/program_options.hpp>
#include <iostream>

namespace hookbot {

namespace po = boost::program_options;

namespace {

// The front command's own options, which go before the command (as with the
// original hookbot): given after it, they are named as such rather than
// called unrecognised.
bool is_global_option(const std::string& name) {
    for (const char* global : {"--key", "--key-file", "--github-secret"}) {
        if (name == global || name.starts_with(std::string(global) + "=")) return true;
    }
    return false;
}

}  // namespace

std::optional<int> parse_command_line(std::string_view command,
                                      const std::vector<std::string>& args,
                                      const po::options_description& description) {
    po::variables_map values;
    try {
        po::store(po::command_line_parser(args).options(description).run(), values);
        po::notify(values);
    } catch (const po::unknown_option& e) {
        const std::string name = e.get_option_name();
        if (is_global_option(name)) {
            const std::string bare = name.substr(0, name.find('='));
            std::cerr << command << ": " << bare << " is a global option: it goes before the "
                      << "command, as in `hookbot " << bare << " VALUE "
                      << command.substr(command.find(' ') + 1) << " ...`\n";
            return 1;
        }
        std::cerr << command << ": " << e.what() << "\n" << description;
        return 1;
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
