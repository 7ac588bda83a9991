#include "hookbot/auth/key_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::auth {
namespace {

constexpr std::string_view whitespace = " \t\r\v\f";

std::string_view trimmed(std::string_view line) {
    const std::size_t first = line.find_first_not_of(whitespace);
    if (first == std::string_view::npos) return {};
    return line.substr(first, line.find_last_not_of(whitespace) - first + 1);
}

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw std::runtime_error("key file " + path + ": " + why);
}

// The whole file, or one byte more than the bound when it is larger.
std::string read_bounded(const std::string& path) {
    const posix::unique_fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!file) fail(path, std::strerror(errno));
    std::string text(max_key_file_bytes + 1, '\0');
    std::size_t filled = 0;
    while (filled < text.size()) {
        const ssize_t got = ::read(file.get(), text.data() + filled, text.size() - filled);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            fail(path, std::string("read: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(got);
    }
    text.resize(filled);
    return text;
}

}  // namespace

std::vector<std::string> parse_key_file(std::string_view text) {
    std::vector<std::string> keys;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t end = text.find('\n');
        const std::string_view line = trimmed(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty() || line.front() == '#') continue;
        if (keys.size() == max_keys) {
            throw std::invalid_argument("line " + std::to_string(line_number) + ": more than " +
                                        std::to_string(max_keys) + " keys");
        }
        keys.emplace_back(line);
    }
    return keys;
}

std::vector<std::string> read_key_file(const std::string& path) {
    const std::string text = read_bounded(path);
    if (text.size() > max_key_file_bytes) {
        fail(path, "larger than " + std::to_string(max_key_file_bytes) + " bytes");
    }
    std::vector<std::string> keys;
    try {
        keys = parse_key_file(text);
    } catch (const std::invalid_argument& e) {
        fail(path, e.what());
    }
    if (keys.empty()) fail(path, "holds no key (only blank lines and '#' comments)");
    return keys;
}

}  // namespace hookbot::auth
