#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Names of the blob segments of a bus (layout.hpp):
// "hookbot.<instance>.blob.<epoch as 16 hex digits>.<bus_seq in decimal>",
// files in the bus's blob folder: /dev/shm (POSIX shared memory, as
// shm_open names it) or, for a bus kept in a --bus-dir, that folder, so that
// they outlive a restart with the rings that name them.
namespace hookbot::shm_ring::detail {

// Where Linux keeps POSIX shared memory objects (shm_open's namespace).
inline constexpr const char* shm_folder = "/dev/shm";

// The blob folder of a bus whose rings are in `bus_dir` ("" for none).
std::string blob_folder(const std::string& bus_dir);

std::string blob_name(const std::string& instance, std::uint64_t epoch, std::uint64_t bus_seq);
// The blob's file: `folder`/`name`.
std::string blob_path(const std::string& folder, const std::string& name);

struct blob_name_parts {
    std::string name;
    std::uint64_t epoch;
    std::uint64_t bus_seq;
};

// Every blob of `instance` in `folder`, whatever its epoch, in no order.
// Names of other instances never match, even where one instance's name is a
// prefix of another's: what follows the prefix must parse whole.
std::vector<blob_name_parts> list_blobs(const std::string& folder, const std::string& instance);

// Unlinks a blob; false when it was not there (or could not be removed).
bool remove_blob(const std::string& folder, const std::string& name) noexcept;

}  // namespace hookbot::shm_ring::detail
