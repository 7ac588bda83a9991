#include "hookbot/handoff/stream_batch.hpp"

#include <cstring>

namespace hookbot::handoff {
namespace {

template <typename T>
void append_field(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T>
T take_field(std::string_view& in) noexcept {
    T value{};
    std::memcpy(&value, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return value;
}

constexpr std::size_t fixed_bytes = 8 + 8 + 4 + 4 + 4;

}  // namespace

void append_to_batch(std::string& batch, const batch_message& entry) {
    append_field(batch, entry.seq);
    append_field(batch, entry.unix_us);
    append_field(batch, entry.flags);
    append_field(batch, static_cast<std::uint32_t>(entry.topic.size()));
    append_field(batch, static_cast<std::uint32_t>(entry.body.size()));
    batch += entry.topic;
    batch += entry.body;
}

std::optional<batch_message> batch_reader::next() noexcept {
    if (rest_.empty() || malformed_) return std::nullopt;
    if (rest_.size() < fixed_bytes) {
        malformed_ = true;
        return std::nullopt;
    }
    std::string_view in = rest_;
    batch_message entry;
    entry.seq = take_field<std::uint64_t>(in);
    entry.unix_us = take_field<std::uint64_t>(in);
    entry.flags = take_field<std::uint32_t>(in);
    const auto topic_len = take_field<std::uint32_t>(in);
    const auto body_len = take_field<std::uint32_t>(in);
    if (entry.seq <= last_seq_ || in.size() < std::size_t{topic_len} + body_len) {
        malformed_ = true;
        return std::nullopt;
    }
    entry.topic = in.substr(0, topic_len);
    entry.body = in.substr(topic_len, body_len);
    rest_ = in.substr(std::size_t{topic_len} + body_len);
    last_seq_ = entry.seq;
    return entry;
}

}  // namespace hookbot::handoff
