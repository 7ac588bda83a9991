#include "shm_segment.hpp"

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <stdexcept>

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
        return shm_segment(name, bip::mapped_region(object, bip::read_write));
    } catch (const bip::interprocess_exception& error) {
        throw std::runtime_error("create shared memory segment " + name + " (" +
                                 std::to_string(bytes) + " bytes): " + error.what());
    }
}

shm_segment shm_segment::open(const std::string& name, mode access) {
    const auto bip_mode = access == mode::read_write ? bip::read_write : bip::read_only;
    try {
        bip::shared_memory_object object(bip::open_only, name.c_str(), bip_mode);
        // The object's descriptor closes here; the mapping keeps the memory.
        return shm_segment(name, bip::mapped_region(object, bip_mode));
    } catch (const bip::interprocess_exception& error) {
        throw std::runtime_error("open shared memory segment " + name + ": " + error.what());
    }
}

bool shm_segment::remove(const std::string& name) noexcept {
    return bip::shared_memory_object::remove(name.c_str());
}

}  // namespace hookbot::shm_ring::detail
