#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// One blob segment (layout.hpp): a file in the bus's blob folder
// (blob_names.hpp), /dev/shm or the --bus-dir.
namespace hookbot::shm_ring::detail {

// Creates the blob `name` in `folder` (it must not exist), writes `body` into
// it and makes it read-only (mode 0400). Throws std::system_error naming the
// blob; a blob half made is unlinked again.
void create_blob(const std::string& folder, const std::string& name, std::string_view body);

// A blob mapped read-only, for as long as this object lives. Unlinking the
// name meanwhile does not disturb it: the memory goes when the last mapping
// does.
class mapped_blob {
  public:
    // The blob `name` in `folder` if it exists and holds exactly
    // `expected_bytes`; nullopt otherwise (gone: the writer unlinked it).
    static std::optional<mapped_blob> open(const std::string& folder, const std::string& name,
                                           std::uint64_t expected_bytes);

    mapped_blob(mapped_blob&& other) noexcept;
    mapped_blob& operator=(mapped_blob&& other) noexcept;
    mapped_blob(const mapped_blob&) = delete;
    mapped_blob& operator=(const mapped_blob&) = delete;
    ~mapped_blob();

    [[nodiscard]] std::string_view bytes() const noexcept {
        return {static_cast<const char*>(address_), size_};
    }

  private:
    mapped_blob(const void* address, std::size_t size) noexcept : address_(address), size_(size) {}
    void unmap() noexcept;

    const void* address_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace hookbot::shm_ring::detail
