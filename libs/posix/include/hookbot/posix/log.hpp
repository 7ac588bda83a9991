#pragma once

#include <sstream>
#include <string_view>

// One line per event on stderr. Under journald (JOURNAL_STREAM set) lines carry
// the sd-daemon "<N>" priority prefix and no timestamp; otherwise a UTC
// timestamp and the level word. Every line names the program that wrote it.
namespace hookbot::log {

enum class level { error = 3, warning = 4, info = 6, debug = 7 };

// Sets the program name shown on every line (default: "hookbot").
void set_program(std::string_view name);
void write(level lvl, std::string_view message);

template <typename... Parts>
void line(level lvl, const Parts&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    write(lvl, out.str());
}

template <typename... Parts>
void error(const Parts&... parts) {
    line(level::error, parts...);
}
template <typename... Parts>
void warning(const Parts&... parts) {
    line(level::warning, parts...);
}
template <typename... Parts>
void info(const Parts&... parts) {
    line(level::info, parts...);
}

}  // namespace hookbot::log
