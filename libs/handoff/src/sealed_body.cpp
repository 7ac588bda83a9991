#include "hookbot/handoff/sealed_body.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

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

std::optional<mapped_sealed_body> map_sealed_body(int fd, std::uint64_t expected_bytes) {
    const int seals = ::fcntl(fd, F_GET_SEALS);
    if (seals == -1 || (seals & required_seals) != required_seals) return std::nullopt;
    struct stat info {};
    if (::fstat(fd, &info) == -1 || static_cast<std::uint64_t>(info.st_size) != expected_bytes) {
        return std::nullopt;
    }
    if (expected_bytes == 0) return mapped_sealed_body(nullptr, 0);
    void* address = ::mmap(nullptr, expected_bytes, PROT_READ, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) return std::nullopt;
    return mapped_sealed_body(address, expected_bytes);
}

std::optional<std::string> read_sealed_body(int fd, std::uint64_t expected_bytes) {
    const auto mapped = map_sealed_body(fd, expected_bytes);
    if (!mapped) return std::nullopt;
    return std::string(mapped->bytes());
}

mapped_sealed_body::mapped_sealed_body(mapped_sealed_body&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

mapped_sealed_body& mapped_sealed_body::operator=(mapped_sealed_body&& other) noexcept {
    if (this != &other) {
        if (address_ != nullptr) ::munmap(const_cast<void*>(address_), size_);
        address_ = std::exchange(other.address_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

mapped_sealed_body::~mapped_sealed_body() {
    if (address_ != nullptr) ::munmap(const_cast<void*>(address_), size_);
}

}  // namespace hookbot::handoff
