#include "cluster/stream_payload.hpp"

#include <limits>

namespace hookbot::acceptor {
namespace {

constexpr std::string_view magic = "hb1";
constexpr std::size_t head_bytes = magic.size() + 4 + 8 + 2;

void put_le(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

std::string encode_stream_record(const stream_record& record) {
    std::string data;
    data.reserve(head_bytes + record.topic.size() + record.body.size());
    data += magic;
    put_le(data, record.flags, 4);
    put_le(data, record.publish_id, 8);
    put_le(data, record.topic.size(), 2);
    data += record.topic;
    data += record.body;
    return data;
}

std::optional<stream_record> decode_stream_record(std::string_view data) noexcept {
    if (data.size() < head_bytes || data.substr(0, magic.size()) != magic) return std::nullopt;
    std::size_t at = magic.size();
    const auto take_le = [data, &at](int bytes) {
        std::uint64_t value = 0;
        for (int i = 0; i < bytes; ++i)
            value |= std::uint64_t{static_cast<unsigned char>(data[at++])} << (8 * i);
        return value;
    };
    stream_record record;
    record.flags = static_cast<std::uint32_t>(take_le(4));
    record.publish_id = take_le(8);
    const auto topic_bytes = static_cast<std::size_t>(take_le(2));
    if (data.size() - at < topic_bytes) return std::nullopt;
    record.topic = data.substr(at, topic_bytes);
    record.body = data.substr(at + topic_bytes);
    return record;
}

}  // namespace hookbot::acceptor
