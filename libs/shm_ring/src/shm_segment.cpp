#include "shm_segment.hpp"

#include <sys/file.h>

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

bool shm_segment::try_lock() const {
    // glibc's shm_open sets O_CLOEXEC: a program this process starts does not
    // inherit the descriptor, nor with it the lock.
    if (::flock(object_.get_mapping_handle().handle, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK) return false;
    throw std::system_error(errno, std::generic_category(), "flock shared memory segment " + name_);
}

bool shm_segment::remove(const std::string& name) noexcept {
    return bip::shared_memory_object::remove(name.c_str());
}

}  // namespace hookbot::shm_ring::detail
