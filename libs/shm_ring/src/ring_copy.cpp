#include "ring_copy.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SANITIZE_THREAD__)
#define HOOKBOT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HOOKBOT_TSAN 1
#endif
#endif

namespace hookbot::shm_ring::detail {
namespace {

#if defined(HOOKBOT_TSAN)
// TSan intercepts memcpy even when called from an unsanitized function, so a
// TSan build copies word by word; the empty asm keeps the compiler from
// turning the loop back into a memcpy call.
__attribute__((no_sanitize("thread"))) void racy_copy(void* destination, const void* source,
                                                      std::size_t bytes) noexcept {
    auto* out = static_cast<unsigned char*>(destination);
    const auto* in = static_cast<const unsigned char*>(source);
    std::size_t i = 0;
    for (; i + sizeof(std::uint64_t) <= bytes; i += sizeof(std::uint64_t)) {
        std::uint64_t word;
        __builtin_memcpy(&word, in + i, sizeof word);
        __asm__("" : "+r"(word));
        __builtin_memcpy(out + i, &word, sizeof word);
    }
    for (; i < bytes; ++i) {
        unsigned char byte = in[i];
        __asm__("" : "+r"(byte));
        out[i] = byte;
    }
}
#else
__attribute__((no_sanitize("thread"))) void racy_copy(void* destination, const void* source,
                                                      std::size_t bytes) noexcept {
    std::memcpy(destination, source, bytes);
}
#endif

}  // namespace

void copy_into_ring(std::byte* ring_bytes, const void* source, std::size_t bytes) noexcept {
    racy_copy(ring_bytes, source, bytes);
}

void copy_from_ring(void* destination, const std::byte* ring_bytes, std::size_t bytes) noexcept {
    racy_copy(destination, ring_bytes, bytes);
}

}  // namespace hookbot::shm_ring::detail
