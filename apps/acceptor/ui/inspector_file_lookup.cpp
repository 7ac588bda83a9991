#include <array>

#include "ui/inspector_files.hpp"

namespace hookbot::acceptor::ui {

const embedded_file* find_inspector_file(std::string_view name) noexcept {
    if (name.empty()) name = "index.html";
    for (const embedded_file& file : inspector_files()) {
        if (file.name == name) return &file;
    }
    return nullptr;
}

std::string_view content_type_of(std::string_view name) noexcept {
    struct by_extension {
        std::string_view extension;
        std::string_view content_type;
    };
    static constexpr std::array<by_extension, 5> types = {{
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
    }};
    for (const by_extension& type : types) {
        if (name.ends_with(type.extension)) return type.content_type;
    }
    return "application/octet-stream";
}

}  // namespace hookbot::acceptor::ui
