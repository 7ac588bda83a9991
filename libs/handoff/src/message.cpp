#include "hookbot/handoff/message.hpp"

#include <cstring>

// Wire form, host byte order (both ends run on one host):
//
//   hello:       u8 type=1 | u32 slot | i32 pid
//   subscriber:  u8 type=2 | u8 recursive | u32 topic_len | u32 head_len | topic | head
namespace hookbot::handoff {
namespace {

enum class kind : std::uint8_t { hello = 1, subscriber = 2 };

template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

// Reads fixed-width fields off the front of a packet, failing once on underrun.
class reader {
public:
    explicit reader(std::string_view bytes) : rest_(bytes) {}

    template <typename T>
    bool get(T& value) {
        if (rest_.size() < sizeof(T)) return false;
        std::memcpy(&value, rest_.data(), sizeof(T));
        rest_.remove_prefix(sizeof(T));
        return true;
    }
    bool get(std::string& value, std::size_t length) {
        if (rest_.size() < length) return false;
        value.assign(rest_.substr(0, length));
        rest_.remove_prefix(length);
        return true;
    }
    [[nodiscard]] bool done() const { return rest_.empty(); }

private:
    std::string_view rest_;
};

struct encoder {
    std::string out;

    void operator()(const hello& h) {
        put(out, kind::hello);
        put(out, h.slot);
        put(out, h.pid);
    }
    void operator()(const subscriber& s) {
        put(out, kind::subscriber);
        put(out, static_cast<std::uint8_t>(s.recursive ? 1 : 0));
        put(out, static_cast<std::uint32_t>(s.topic.size()));
        put(out, static_cast<std::uint32_t>(s.request_head.size()));
        out += s.topic;
        out += s.request_head;
    }
};

}  // namespace

std::string encode(const message& m) {
    encoder e;
    std::visit(e, m);
    return std::move(e.out);
}

std::optional<message> decode(std::string_view bytes) {
    reader in(bytes);
    kind type{};
    if (!in.get(type)) return std::nullopt;
    switch (type) {
        case kind::hello: {
            hello h;
            if (!in.get(h.slot) || !in.get(h.pid) || !in.done()) return std::nullopt;
            return h;
        }
        case kind::subscriber: {
            subscriber s;
            std::uint8_t recursive = 0;
            std::uint32_t topic_len = 0;
            std::uint32_t head_len = 0;
            if (!in.get(recursive) || recursive > 1 || !in.get(topic_len) || !in.get(head_len) ||
                !in.get(s.topic, topic_len) || !in.get(s.request_head, head_len) || !in.done()) {
                return std::nullopt;
            }
            s.recursive = recursive == 1;
            return s;
        }
    }
    return std::nullopt;
}

}  // namespace hookbot::handoff
