#include "hookbot/handoff/stream_batch.hpp"

#include <cstring>

namespace hookbot::handoff {
namespace {

template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T>
T take(std::string_view& in) noexcept {
    T value{};
    std::memcpy(&value, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return value;
}

constexpr std::size_t fixed_bytes = 8 + 8 + 4 + 4 + 4;

}  // namespace

void append_to_batch(std::string& batch, const batch_message& message) {
    put(batch, message.seq);
    put(batch, message.unix_us);
    put(batch, message.flags);
    put(batch, static_cast<std::uint32_t>(message.topic.size()));
    put(batch, static_cast<std::uint32_t>(message.body.size()));
    batch += message.topic;
    batch += message.body;
}

std::optional<batch_message> batch_reader::next() noexcept {
    if (rest_.empty() || malformed_) return std::nullopt;
    if (rest_.size() < fixed_bytes) {
        malformed_ = true;
        return std::nullopt;
    }
    std::string_view in = rest_;
    batch_message message;
    message.seq = take<std::uint64_t>(in);
    message.unix_us = take<std::uint64_t>(in);
    message.flags = take<std::uint32_t>(in);
    const auto topic_len = take<std::uint32_t>(in);
    const auto body_len = take<std::uint32_t>(in);
    if (message.seq <= last_seq_ || in.size() < std::size_t{topic_len} + body_len) {
        malformed_ = true;
        return std::nullopt;
    }
    message.topic = in.substr(0, topic_len);
    message.body = in.substr(topic_len, body_len);
    rest_ = in.substr(std::size_t{topic_len} + body_len);
    last_seq_ = message.seq;
    return message;
}

}  // namespace hookbot::handoff
