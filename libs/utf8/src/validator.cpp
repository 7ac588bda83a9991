#include "hookbot/utf8/validator.hpp"

namespace hookbot::utf8 {

// The WHATWG decoder's algorithm (encoding.spec.whatwg.org, "UTF-8 decoder"),
// checking without decoding.
bool validator::feed(std::span<const char> bytes) noexcept {
    for (const char c : bytes) {
        const auto byte = static_cast<std::uint8_t>(c);
        if (needed_ == 0) {
            if (byte < 0x80) continue;
            if (byte >= 0xC2 && byte <= 0xDF) {
                needed_ = 1;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                if (byte == 0xE0) lower_ = 0xA0;  // overlong
                if (byte == 0xED) upper_ = 0x9F;  // surrogates
                needed_ = 2;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                if (byte == 0xF0) lower_ = 0x90;  // overlong
                if (byte == 0xF4) upper_ = 0x8F;  // above U+10FFFF
                needed_ = 3;
            } else {
                return false;  // a continuation byte, 0xC0, 0xC1 or 0xF5-0xFF
            }
            continue;
        }
        if (byte < lower_ || byte > upper_) return false;
        lower_ = 0x80;
        upper_ = 0xBF;
        --needed_;
    }
    return true;
}

bool is_valid(std::string_view bytes) noexcept {
    validator check;
    return check.feed(std::span<const char>(bytes.data(), bytes.size())) && check.complete();
}

}  // namespace hookbot::utf8
