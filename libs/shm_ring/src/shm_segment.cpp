#include "shm_segment.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/interprocess/exceptions.hpp>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace hookbot::shm_ring::detail {
namespace bip = boost::interprocess;

shm_segment shm_segment::create(const std::string& name, std::uint64_t bytes) {
    try {
        // The owner's alone: the rings hold every published message, and
        // Boost's default (0644, set with fchmod whatever the umask) would let
        // every local user read them. Workers run as the same user.
        bip::shared_memory_object object(bip::create_only, name.c_str(), bip::read_write,
                                         bip::permissions(0600));
        object.truncate(static_cast<bip::offset_t>(bytes));
        bip::mapped_region region(object, bip::read_write);
        return shm_segment(name, std::move(object), std::move(region));
    } catch (const bip::interprocess_exception& error) {
        throw std::runtime_error("create shared memory segment " + name + " (" +
                                 std::to_string(bytes) + " bytes): " + error.what());
    }
}

shm_segment shm_segment::open(const std::string& name, mode access) {
    const auto bip_mode = access == mode::read_write ? bip::read_write : bip::read_only;
    try {
        bip::shared_memory_object object(bip::open_only, name.c_str(), bip_mode);
        bip::mapped_region region(object, bip_mode);
        return shm_segment(name, std::move(object), std::move(region));
    } catch (const bip::interprocess_exception& error) {
        throw std::runtime_error("open shared memory segment " + name + ": " + error.what());
    }
}

shm_segment shm_segment::create_file(const std::string& path, std::uint64_t bytes) {
    // As create(): the owner's alone. O_EXCL: never over a file that is there.
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd == -1) {
        throw std::system_error(errno, std::generic_category(), "create bus file " + path);
    }
    const int sized = ::ftruncate(fd, static_cast<off_t>(bytes));
    const int size_error = errno;
    ::close(fd);
    if (sized == -1) {
        ::unlink(path.c_str());
        throw std::system_error(
            size_error, std::generic_category(),
            "size bus file " + path + " to " + std::to_string(bytes) + " bytes");
    }
    return open_file(path, mode::read_write);
}

shm_segment shm_segment::open_file(const std::string& path, mode access) {
    const auto bip_mode = access == mode::read_write ? bip::read_write : bip::read_only;
    try {
        bip::file_mapping file(path.c_str(), bip_mode);
        // Boost opens it without O_CLOEXEC: the programs serve starts must
        // not inherit it (nor a lock taken on it).
        ::fcntl(file.get_mapping_handle().handle, F_SETFD, FD_CLOEXEC);
        bip::mapped_region region(file, bip_mode);
        return shm_segment(path, std::move(file), std::move(region));
    } catch (const bip::interprocess_exception& error) {
        throw std::runtime_error("open bus file " + path + ": " + error.what());
    }
}

bool shm_segment::try_lock() const {
    // glibc's shm_open sets O_CLOEXEC, and so does Boost's file_mapping: a
    // program this process starts does not inherit the descriptor, nor with
    // it the lock.
    const int fd =
        std::visit([](const auto& source) { return source.get_mapping_handle().handle; }, object_);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK) return false;
    throw std::system_error(errno, std::generic_category(), "flock shared memory segment " + name_);
}

bool shm_segment::remove(const std::string& name) noexcept {
    return bip::shared_memory_object::remove(name.c_str());
}

}  // namespace hookbot::shm_ring::detail
