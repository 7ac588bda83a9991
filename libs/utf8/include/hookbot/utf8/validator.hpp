#pragma once

#include <cstdint>
#include <span>
#include <string_view>

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
// above U+10FFFF. What a websocket text message must be (RFC 6455 8.1), and
// what decides "body" or "body_b64" in a JSON envelope (docs/PROTOCOL.md,
// "Delivery formats"), on the server and in the client alike.
namespace hookbot::utf8 {

// Checks bytes fed in any number of pieces; a character may be split between
// pieces, as between the fragments of a message. Three bytes of state.
class validator {
  public:
    // False once the bytes so far cannot begin valid UTF-8.
    bool feed(std::span<const char> bytes) noexcept;
    // The text ends here: on a character's end, not inside one.
    [[nodiscard]] bool complete() const noexcept { return needed_ == 0; }
    void reset() noexcept { *this = validator(); }

  private:
    std::uint8_t needed_ = 0;  // continuation bytes still to come
    // The range the next continuation byte must be in: narrower than
    // 0x80-0xBF right after a lead byte that excludes overlong forms,
    // surrogates or code points above U+10FFFF.
    std::uint8_t lower_ = 0x80;
    std::uint8_t upper_ = 0xBF;
};

// All of `bytes` at once.
bool is_valid(std::string_view bytes) noexcept;

}  // namespace hookbot::utf8
