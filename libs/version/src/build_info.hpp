#pragma once

// Filled in by the configure step (build_info.cpp.in), kept out of the header
// every program includes so that a new commit recompiles one file.
namespace hookbot::version::build_info {
extern const char* const number;
extern const char* const commit;
}  // namespace hookbot::version::build_info
