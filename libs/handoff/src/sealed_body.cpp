#include "hookbot/handoff/sealed_body.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "hookbot/posix/error.hpp"

namespace hookbot::handoff {
namespace {

constexpr int required_seals = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;

}  // namespace

posix::unique_fd seal_body(std::string_view body) {
    posix::unique_fd fd(
        posix::check(::memfd_create("hookbot-body", MFD_CLOEXEC | MFD_ALLOW_SEALING),
                     "memfd_create for a forwarded body"));
    std::size_t written = 0;
    while (written < body.size()) {
        const ssize_t n = ::write(fd.get(), body.data() + written, body.size() - written);
        if (n == -1 && errno == EINTR) continue;
        posix::check(n == -1 ? -1 : 0, "write a forwarded body to its memfd");
        written += static_cast<std::size_t>(n);
    }
    posix::check(::fcntl(fd.get(), F_ADD_SEALS, required_seals), "seal a forwarded body's memfd");
    return fd;
}

std::optional<std::string> read_sealed_body(int fd, std::uint64_t expected_bytes) {
    const int seals = ::fcntl(fd, F_GET_SEALS);
    if (seals == -1 || (seals & required_seals) != required_seals) return std::nullopt;
    struct stat info {};
    if (::fstat(fd, &info) == -1 || static_cast<std::uint64_t>(info.st_size) != expected_bytes) {
        return std::nullopt;
    }
    std::string body(expected_bytes, '\0');
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n =
            ::pread(fd, body.data() + done, body.size() - done, static_cast<off_t>(done));
        if (n == -1 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        done += static_cast<std::size_t>(n);
    }
    return body;
}

}  // namespace hookbot::handoff
