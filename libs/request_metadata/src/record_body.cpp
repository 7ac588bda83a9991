#include "hookbot/request_metadata/record_body.hpp"

namespace hookbot::request_metadata {

std::string join_record_body(std::string_view request_json, std::string_view body) {
    const auto length = static_cast<std::uint32_t>(request_json.size());
    std::string out;
    out.reserve(record_prefix_bytes + request_json.size() + body.size());
    for (unsigned shift = 0; shift < 32; shift += 8) {
        out += static_cast<char>((length >> shift) & 0xFFU);
    }
    out.append(request_json).append(body);
    return out;
}

std::optional<record_parts> split_record_body(std::string_view record_body) noexcept {
    if (record_body.size() < record_prefix_bytes) return std::nullopt;
    std::uint32_t length = 0;
    for (unsigned i = 0; i < record_prefix_bytes; ++i) {
        length |= static_cast<std::uint32_t>(static_cast<unsigned char>(record_body[i])) << (8 * i);
    }
    record_body.remove_prefix(record_prefix_bytes);
    if (length > record_body.size()) return std::nullopt;
    return record_parts{record_body.substr(0, length), record_body.substr(length)};
}

}  // namespace hookbot::request_metadata
