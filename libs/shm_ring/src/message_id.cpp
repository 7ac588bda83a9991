#include "hookbot/shm_ring/message_id.hpp"

#include <algorithm>
#include <charconv>

namespace hookbot::shm_ring {

namespace {
constexpr std::size_t epoch_digits = 16;
}

std::string format_epoch(std::uint64_t epoch) {
    std::string text(epoch_digits, '0');
    // Fixed width: leading zeros kept, so the id's text never varies in form.
    for (std::size_t i = 0; i < epoch_digits; ++i) {
        text[epoch_digits - 1 - i] = "0123456789abcdef"[(epoch >> (4 * i)) & 0xf];
    }
    return text;
}

std::string format_message_id(message_id id) {
    char text[max_message_id_bytes];
    const std::string epoch = format_epoch(id.epoch);
    char* end = std::copy(epoch.begin(), epoch.end(), text);
    *end++ = '-';
    end = std::to_chars(end, text + sizeof text, id.bus_seq).ptr;
    return std::string(text, end);
}

std::optional<message_id> parse_message_id(std::string_view text) noexcept {
    if (text.size() < epoch_digits + 2 || text[epoch_digits] != '-') return std::nullopt;
    message_id id;
    for (std::size_t i = 0; i < epoch_digits; ++i) {
        const char c = text[i];
        std::uint64_t digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<std::uint64_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<std::uint64_t>(c - 'a' + 10);
        } else {
            return std::nullopt;
        }
        id.epoch = (id.epoch << 4) | digit;
    }
    const std::string_view seq = text.substr(epoch_digits + 1);
    // Decimal digits only: from_chars alone would take a '-' or '+'.
    if (seq.empty() || seq.size() > 20 || (seq.size() > 1 && seq[0] == '0')) return std::nullopt;
    for (const char c : seq)
        if (c < '0' || c > '9') return std::nullopt;
    const auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), id.bus_seq);
    if (ec != std::errc{} || end != seq.data() + seq.size()) return std::nullopt;
    return id;
}

}  // namespace hookbot::shm_ring
