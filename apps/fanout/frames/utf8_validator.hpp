#pragma once

#include <cstdint>
#include <span>

namespace hookbot::fanout {

// Checks that bytes fed in any number of pieces are UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), as a websocket
// text message must be (RFC 6455 8.1); a character may be split between
// pieces, as between the fragments of a message. Three bytes of state.
class utf8_validator {
  public:
    // False once the bytes so far cannot begin valid UTF-8.
    bool feed(std::span<const char> bytes) noexcept;
    // The text ends here: on a character's end, not inside one.
    [[nodiscard]] bool complete() const noexcept { return needed_ == 0; }
    void reset() noexcept { *this = utf8_validator(); }

  private:
    std::uint8_t needed_ = 0;  // continuation bytes still to come
    // The range the next continuation byte must be in: narrower than
    // 0x80-0xBF right after a lead byte that excludes overlong forms,
    // surrogates or code points above U+10FFFF.
    std::uint8_t lower_ = 0x80;
    std::uint8_t upper_ = 0xBF;
};

}  // namespace hookbot::fanout
