#include "blob_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "blob_names.hpp"
#include "hookbot/posix/error.hpp"
#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::shm_ring::detail {
namespace {

// Unlinks the blob unless dismissed: a failure halfway leaves no name behind.
class unlink_unless_done {
  public:
    unlink_unless_done(const std::string& folder, const std::string& name)
        : folder_(folder), name_(name) {}
    unlink_unless_done(const unlink_unless_done&) = delete;
    unlink_unless_done& operator=(const unlink_unless_done&) = delete;
    ~unlink_unless_done() {
        if (!done_) remove_blob(folder_, name_);
    }
    void done() noexcept { done_ = true; }

  private:
    const std::string& folder_;
    const std::string& name_;
    bool done_ = false;
};

// write(), not a mapping: a full /dev/shm is then ENOSPC, not SIGBUS.
void write_all(int fd, const std::string& name, std::string_view body) {
    std::size_t written = 0;
    while (written < body.size()) {
        const ssize_t n =
            ::pwrite(fd, body.data() + written, body.size() - written, static_cast<off_t>(written));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            posix::throw_errno("write " + std::to_string(body.size()) + " bytes to blob " + name);
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

// O_NOFOLLOW, as shm_open does: a link planted under a blob's name is
// refused, never written through.
void create_blob(const std::string& folder, const std::string& name, std::string_view body) {
    posix::unique_fd fd(::open(blob_path(folder, name).c_str(),
                               O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                               S_IRUSR | S_IWUSR));
    if (!fd) posix::throw_errno("create blob " + blob_path(folder, name));
    unlink_unless_done cleanup(folder, name);
    write_all(fd.get(), name, body);
    // Read-only from now on: the record that names it is committed next.
    if (::fchmod(fd.get(), S_IRUSR) != 0) posix::throw_errno("make blob " + name + " read-only");
    cleanup.done();
}

std::optional<mapped_blob> mapped_blob::open(const std::string& folder, const std::string& name,
                                             std::uint64_t expected_bytes) {
    const posix::unique_fd fd(
        ::open(blob_path(folder, name).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return std::nullopt;
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0 || status.st_size < 0 ||
        static_cast<std::uint64_t>(status.st_size) != expected_bytes)
        return std::nullopt;
    if (expected_bytes == 0) return mapped_blob(nullptr, 0);
    void* address = ::mmap(nullptr, expected_bytes, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (address == MAP_FAILED) return std::nullopt;
    return mapped_blob(address, expected_bytes);
}

mapped_blob::mapped_blob(mapped_blob&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

mapped_blob& mapped_blob::operator=(mapped_blob&& other) noexcept {
    if (this != &other) {
        unmap();
        address_ = std::exchange(other.address_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

mapped_blob::~mapped_blob() {
    unmap();
}

void mapped_blob::unmap() noexcept {
    if (address_ != nullptr) ::munmap(const_cast<void*>(address_), size_);
    address_ = nullptr;
}

}  // namespace hookbot::shm_ring::detail
