// hookbot-bench: a load generator for hookbot (default), the ceiling
// server it is measured against (`hookbot-bench limit`) and, built with
// libnats, JetStream's own publish figures (`hookbot-bench jetstream`).
// See bench/README.md.
#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>

#if HOOKBOT_BENCH_JETSTREAM
#include "jetstream_bench.hpp"
#endif
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
        if (argc > 1 && std::string_view(argv[1]) == "jetstream") {
#if HOOKBOT_BENCH_JETSTREAM
            return hookbot::bench::run_jetstream(argc - 1, argv + 1);
#else
            std::cerr << "hookbot-bench: built without libnats (Debian: libnats-dev, found "
                         "through pkg-config), so without the jetstream subcommand; install "
                         "it and configure again\n";
            return 3;
#endif
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
