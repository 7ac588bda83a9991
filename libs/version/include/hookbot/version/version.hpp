#pragma once

#include <string>
#include <string_view>

// What a program says for --version, the same in every hookbot program.
namespace hookbot::version {

// The project's version, e.g. "0.1.0".
std::string_view number();
// The commit the program was built from (`git describe`), or "unknown".
std::string_view commit();
// "PROGRAM version 0.1.0 (commit c32b63f1d2e3)\n": the original hookbot
// printed "hookbot version X" for --version / -v; the commit is ours.
std::string line(std::string_view program);

}  // namespace hookbot::version
