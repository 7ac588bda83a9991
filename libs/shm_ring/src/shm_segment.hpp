#pragma once

#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace hookbot::shm_ring::detail {

// One named POSIX shared-memory segment, or a file (--bus-dir), mapped
// shared and open for the life of this object. Errors throw
// std::runtime_error naming the segment.
class shm_segment {
  public:
    enum class mode { read_only, read_write };

    // Creates a zero-filled segment of `bytes` (it must not exist yet).
    static shm_segment create(const std::string& name, std::uint64_t bytes);
    static shm_segment open(const std::string& name, mode access);
    // Unlinks the name; false when there was nothing to remove.
    static bool remove(const std::string& name) noexcept;

    // The same in a file at `path` (the page cache keeps what is written
    // across the death of every process mapping it).
    static shm_segment create_file(const std::string& path, std::uint64_t bytes);
    static shm_segment open_file(const std::string& path, mode access);

    [[nodiscard]] std::byte* data() const noexcept {
        return static_cast<std::byte*>(region_.get_address());
    }
    [[nodiscard]] std::size_t size() const noexcept { return region_.get_size(); }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    // An exclusive flock(2) on the segment, held until this object (its open
    // descriptor) is gone, a crash included. False when another open of the
    // segment holds it; taking it again through this object succeeds.
    [[nodiscard]] bool try_lock() const;

  private:
    using object =
        std::variant<boost::interprocess::shared_memory_object, boost::interprocess::file_mapping>;
    shm_segment(std::string name, object source, boost::interprocess::mapped_region region) noexcept
        : name_(std::move(name)), object_(std::move(source)), region_(std::move(region)) {}

    std::string name_;
    object object_;  // the descriptor the lock lives on
    boost::interprocess::mapped_region region_;
};

}  // namespace hookbot::shm_ring::detail
