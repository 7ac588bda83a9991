// Test support shared by the unit-test binaries (header only).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class temporary_directory {
  public:
    temporary_directory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "hookbot-test.XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root_ = pattern;
    }
    temporary_directory(const temporary_directory&) = delete;
    temporary_directory& operator=(const temporary_directory&) = delete;
    ~temporary_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
    }

    [[nodiscard]] std::string path(std::string_view name) const { return root_ / name; }

    // Writes `text` to the file `name`, replacing it; returns its path.
    std::string write(std::string_view name, std::string_view text) const {
        const std::string file = path(name);
        std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
        return file;
    }

  private:
    std::filesystem::path root_;
};
