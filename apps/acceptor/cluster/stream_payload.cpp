#include "cluster/stream_payload.hpp"

#include <limits>

namespace hookbot::acceptor {
namespace {

constexpr std::string_view magic = "hb1";
constexpr std::size_t head_bytes = magic.size() + 4 + 2;

}  // namespace

std::string encode_stream_record(const stream_record& record) {
    std::string data;
    data.reserve(head_bytes + record.topic.size() + record.body.size());
    data += magic;
    for (int shift = 0; shift < 32; shift += 8)
        data += static_cast<char>((record.flags >> shift) & 0xff);
    const auto topic_bytes = static_cast<std::uint16_t>(record.topic.size());
    data += static_cast<char>(topic_bytes & 0xff);
    data += static_cast<char>(topic_bytes >> 8);
    data += record.topic;
    data += record.body;
    return data;
}

std::optional<stream_record> decode_stream_record(std::string_view data) noexcept {
    if (data.size() < head_bytes || data.substr(0, magic.size()) != magic) return std::nullopt;
    const auto byte = [data](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(data[i]));
    };
    stream_record record;
    std::size_t at = magic.size();
    for (int shift = 0; shift < 32; shift += 8) record.flags |= byte(at++) << shift;
    const std::size_t topic_bytes = byte(at) | (byte(at + 1) << 8);
    at += 2;
    if (data.size() - at < topic_bytes) return std::nullopt;
    record.topic = data.substr(at, topic_bytes);
    record.body = data.substr(at + topic_bytes);
    return record;
}

}  // namespace hookbot::acceptor
