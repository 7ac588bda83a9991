#pragma once

#include <span>
#include <string_view>

// The inspector page's files (static/), built into the acceptor by
// cmake/embed_files.cmake: the page needs nothing at run time but the binary.
namespace hookbot::acceptor::ui {

struct embedded_file {
    std::string_view name;  // path below /ui/: "index.html", "main.js"
    std::span<const unsigned char> bytes;
    std::string_view sha256;  // of `bytes`, lowercase hex, computed at build time
};

// Every file of static/ (generated: inspector_files.cpp in the build folder).
std::span<const embedded_file> inspector_files() noexcept;

// The file served at /ui/<name>; "" (the path /ui/) is index.html. nullptr
// for any other name.
const embedded_file* find_inspector_file(std::string_view name) noexcept;

// The Content-Type of a file, from its extension; nosniff is sent with it,
// so it must be right (a module script with another type is not run).
std::string_view content_type_of(std::string_view name) noexcept;

}  // namespace hookbot::acceptor::ui
