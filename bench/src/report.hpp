#pragma once

#include <cstdint>
#include <iosfwd>

#include "load_options.hpp"
#include "load_stats.hpp"

namespace hookbot::bench {

// What one load run measured, ready to print.
struct load_report {
    const load_options* options = nullptr;
    const load_stats* stats = nullptr;
    std::size_t subscribers_connected = 0;
    std::size_t subscribers_failed = 0;
    double connect_seconds = 0;
    std::uint64_t published = 0;          // measured publishes sent
    double publish_seconds = 0;           // first measured send -> last measured answer
    double deliver_seconds = 0;           // first measured send -> last delivery
    double cpu_seconds = 0;               // this process, over the measured publishing phase
    double wall_seconds = 0;              // the same phase, wall clock
    std::uint64_t received_in_phase = 0;  // messages of any sequence read in that phase
    bool drained = false;                 // delivered reached expected before the timeout
};

void print_table(std::ostream& out, const load_report& report);
void print_json(std::ostream& out, const load_report& report);

}  // namespace hookbot::bench
