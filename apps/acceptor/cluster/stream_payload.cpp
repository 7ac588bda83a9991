#include "cluster/stream_payload.hpp"

namespace hookbot::acceptor {
namespace {

constexpr std::string_view magic = "hb2";
constexpr std::size_t head_bytes = magic.size() + 8;
constexpr std::size_t record_head_bytes = 4 + 2 + 4;

void put_le(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

std::size_t record_bytes(const stream_record& record) noexcept {
    return record_head_bytes + record.topic.size() + record.body.size();
}

// Reads what put_le wrote, refusing to read past the data.
class le_reader {
  public:
    explicit le_reader(std::string_view data) noexcept : data_(data) {}

    [[nodiscard]] bool take_le(int bytes, std::uint64_t& value) noexcept {
        if (data_.size() - at_ < static_cast<std::size_t>(bytes)) return false;
        value = 0;
        for (int i = 0; i < bytes; ++i)
            value |= std::uint64_t{static_cast<unsigned char>(data_[at_++])} << (8 * i);
        return true;
    }
    [[nodiscard]] bool take_part(std::size_t bytes, std::string_view& part) noexcept {
        if (data_.size() - at_ < bytes) return false;
        part = data_.substr(at_, bytes);
        at_ += bytes;
        return true;
    }
    [[nodiscard]] bool done() const noexcept { return at_ == data_.size(); }

  private:
    std::string_view data_;
    std::size_t at_ = 0;
};

}  // namespace

std::size_t stream_message_bytes(const stream_record& record) noexcept {
    return head_bytes + record_bytes(record);
}

stream_message_builder::stream_message_builder(std::uint64_t publish_id) : publish_id_(publish_id) {
    data_ += magic;
    put_le(data_, publish_id, 8);
}

bool stream_message_builder::add(const stream_record& record, std::size_t max_bytes) {
    if (records_ == max_records_per_stream_message || record.topic.size() > 0xffff ||
        record.body.size() > 0xffff'ffff || data_.size() + record_bytes(record) > max_bytes) {
        return false;
    }
    put_le(data_, record.flags, 4);
    put_le(data_, record.topic.size(), 2);
    put_le(data_, record.body.size(), 4);
    data_ += record.topic;
    data_ += record.body;
    ++records_;
    return true;
}

std::optional<stream_message> decode_stream_message(std::string_view data) {
    if (!data.starts_with(magic)) return std::nullopt;
    le_reader in(data.substr(magic.size()));
    stream_message message;
    if (!in.take_le(8, message.publish_id)) return std::nullopt;
    do {
        if (message.records.size() == max_records_per_stream_message) return std::nullopt;
        std::uint64_t flags = 0;
        std::uint64_t topic_bytes = 0;
        std::uint64_t body_bytes = 0;
        stream_record record;
        if (!in.take_le(4, flags) || !in.take_le(2, topic_bytes) || !in.take_le(4, body_bytes) ||
            !in.take_part(topic_bytes, record.topic) || !in.take_part(body_bytes, record.body)) {
            return std::nullopt;
        }
        record.flags = static_cast<std::uint32_t>(flags);
        message.records.push_back(record);
    } while (!in.done());
    return message;
}

}  // namespace hookbot::acceptor
