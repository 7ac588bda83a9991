#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Names of the blob segments of a bus (layout.hpp):
// "hookbot.<instance>.blob.<epoch as 16 hex digits>.<bus_seq in decimal>".
namespace hookbot::shm_ring::detail {

std::string blob_name(const std::string& instance, std::uint64_t epoch, std::uint64_t bus_seq);

struct blob_name_parts {
    std::string name;
    std::uint64_t epoch;
    std::uint64_t bus_seq;
};

// Every blob of `instance` in /dev/shm, whatever its epoch, in no order. Names
// of other instances never match, even where one instance's name is a prefix
// of another's: what follows the prefix must parse whole.
std::vector<blob_name_parts> list_blobs(const std::string& instance);

// Unlinks a blob; false when it was not there (or could not be removed).
bool remove_blob(const std::string& name) noexcept;

}  // namespace hookbot::shm_ring::detail
