// hookbot-bench: a load generator for hookbot (default) and the ceiling
// server it is measured against (`hookbot-bench limit`). See bench/README.md.
#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>

#include "limit_server.hpp"
#include "load_options.hpp"
#include "load_run.hpp"
#include "net.hpp"

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    try {
        if (argc > 1 && std::string_view(argv[1]) == "limit") {
            return hookbot::bench::run_limit(argc - 1, argv + 1);
        }
        int exit_code = 0;
        const auto options = hookbot::bench::parse_load_options(argc, argv, exit_code);
        if (!options) return exit_code;
        if (!options->pin.empty()) hookbot::bench::pin_to_cpus(options->pin);
        hookbot::bench::load_run run(*options);
        return run.run();
    } catch (const std::exception& e) {
        std::cerr << "hookbot-bench: " << e.what() << "\n";
        return 2;
    }
}
