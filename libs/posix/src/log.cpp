#include "hookbot/posix/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace hookbot::log {
namespace {

std::string& program() {
    static std::string name = "hookbot";
    return name;
}

bool under_journald() {
    static const bool yes = std::getenv("JOURNAL_STREAM") != nullptr;
    return yes;
}

const char* level_word(level lvl) {
    switch (lvl) {
        case level::error:
            return "error";
        case level::warning:
            return "warning";
        case level::info:
            return "info";
        case level::debug:
            return "debug";
    }
    return "?";
}

}  // namespace

void set_program(std::string_view name) {
    program() = name;
}

void write(level lvl, std::string_view message) {
    std::string text;
    if (under_journald()) {
        // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict
        // in an inlined "<" + std::to_string(...).
        text = '<';
        text += std::to_string(static_cast<int>(lvl));
        text += '>';
    } else {
        char stamp[32];
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &utc);
        text = stamp;
        text += level_word(lvl);
        text += ' ';
    }
    text += program();
    text += '[';
    text += std::to_string(::getpid());
    text += "]: ";
    text += message;
    text += '\n';
    // One write() per line so lines from several processes never interleave.
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace hookbot::log
