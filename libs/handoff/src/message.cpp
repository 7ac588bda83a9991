#include "hookbot/handoff/message.hpp"

#include <cstring>

// Wire form, host byte order (both ends run on one host):
//
//   hello:       u8 type=1 | u32 slot | i32 pid | u32 max_subscribers | u64 bus_epoch
//   subscriber:  u8 type=2 | u8 recursive | u32 topic_len | u32 head_len | topic | head
//                | u8 format | u8 since_len | since
//   forwarded_request:   u8 type=3 | u64 id | u8 flags | u64 body_bytes | u32 head_len
//                        | u32 inline_len | head | inline body | u8 peer_len | peer
//                        flags: 1 body_in_memfd, 2 body_too_large, 4 bytes_after_head,
//                               8 head_too_large, 16 malformed
//   forwarded_response:  u8 type=4 | u64 id | u8 close | u32 len | bytes
//   forwarded_subscribe: u8 type=5 | u64 id | u8 recursive | u32 topic_len | topic
//                        | u8 format | u8 since_len | since
//   attach_query:         u8 type=6
//   instance_description: u8 type=7 | u8 workers_terminate_tls | u32 instance_len | instance
//                         | u32 bus_dir_len | bus_dir
//   draining:             u8 type=8
//   draining_acknowledged: u8 type=9
//   stream_fetch:    u8 type=10 | u64 id | u8 recursive | u64 after_seq | u64 through_seq
//                    | u32 topic_len | topic
//   stream_messages: u8 type=11 | u64 id | u64 read_from | u64 read_through | u64 bytes
namespace hookbot::handoff {
namespace {

enum class kind : std::uint8_t {
    hello = 1,
    subscriber = 2,
    forwarded_request = 3,
    forwarded_response = 4,
    forwarded_subscribe = 5,
    attach_query = 6,
    instance_description = 7,
    draining = 8,
    draining_acknowledged = 9,
    stream_fetch = 10,
    stream_messages = 11,
};

enum request_flag : std::uint8_t {
    in_memfd = 1,
    too_large = 2,
    after_head = 4,
    head_too_large = 8,
    malformed = 16,
};
constexpr std::uint8_t known_request_flags =
    in_memfd | too_large | after_head | head_too_large | malformed;

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

void put_resume(std::string& out, delivery_format format, std::string_view since) {
    since = since.substr(0, max_since_bytes);
    put(out, static_cast<std::uint8_t>(format));
    put(out, static_cast<std::uint8_t>(since.size()));
    out += since;
}

bool get_resume(reader& in, delivery_format& format, std::string& since) {
    std::uint8_t format_byte = 0;
    std::uint8_t since_len = 0;
    if (!in.get(format_byte) ||
        format_byte > static_cast<std::uint8_t>(delivery_format::event_stream) ||
        !in.get(since_len) || since_len > max_since_bytes || !in.get(since, since_len)) {
        return false;
    }
    format = static_cast<delivery_format>(format_byte);
    return true;
}

struct encoder {
    std::string out;

    void operator()(const hello& h) {
        put(out, kind::hello);
        put(out, h.slot);
        put(out, h.pid);
        put(out, h.max_subscribers);
        put(out, h.bus_epoch);
    }
    void operator()(const subscriber& s) {
        put(out, kind::subscriber);
        put(out, static_cast<std::uint8_t>(s.recursive ? 1 : 0));
        put(out, static_cast<std::uint32_t>(s.topic.size()));
        put(out, static_cast<std::uint32_t>(s.request_head.size()));
        out += s.topic;
        out += s.request_head;
        put_resume(out, s.format, s.since);
    }
    void operator()(const forwarded_request& r) {
        put(out, kind::forwarded_request);
        put(out, r.id);
        put(out, static_cast<std::uint8_t>(
                     (r.body_in_memfd ? in_memfd : 0) | (r.body_too_large ? too_large : 0) |
                     (r.bytes_after_head ? after_head : 0) |
                     (r.head_too_large ? head_too_large : 0) | (r.malformed ? malformed : 0)));
        put(out, r.body_bytes);
        put(out, static_cast<std::uint32_t>(r.head.size()));
        put(out, static_cast<std::uint32_t>(r.body.size()));
        out += r.head;
        out += r.body;
        // An IP address as text is at most 45 bytes (INET6_ADDRSTRLEN - 1).
        const std::string_view peer = std::string_view(r.peer_address).substr(0, 255);
        put(out, static_cast<std::uint8_t>(peer.size()));
        out += peer;
    }
    void operator()(const forwarded_response& r) {
        put(out, kind::forwarded_response);
        put(out, r.id);
        put(out, static_cast<std::uint8_t>(r.close ? 1 : 0));
        put(out, static_cast<std::uint32_t>(r.bytes.size()));
        out += r.bytes;
    }
    void operator()(const forwarded_subscribe& s) {
        put(out, kind::forwarded_subscribe);
        put(out, s.id);
        put(out, static_cast<std::uint8_t>(s.recursive ? 1 : 0));
        put(out, static_cast<std::uint32_t>(s.topic.size()));
        out += s.topic;
        put_resume(out, s.format, s.since);
    }
    void operator()(const attach_query&) { put(out, kind::attach_query); }
    void operator()(const instance_description& d) {
        put(out, kind::instance_description);
        put(out, static_cast<std::uint8_t>(d.workers_terminate_tls ? 1 : 0));
        put(out, static_cast<std::uint32_t>(d.instance.size()));
        out += d.instance;
        put(out, static_cast<std::uint32_t>(d.bus_dir.size()));
        out += d.bus_dir;
    }
    void operator()(const draining&) { put(out, kind::draining); }
    void operator()(const draining_acknowledged&) { put(out, kind::draining_acknowledged); }
    void operator()(const stream_fetch& f) {
        put(out, kind::stream_fetch);
        put(out, f.id);
        put(out, static_cast<std::uint8_t>(f.recursive ? 1 : 0));
        put(out, f.after_seq);
        put(out, f.through_seq);
        put(out, static_cast<std::uint32_t>(f.topic.size()));
        out += f.topic;
    }
    void operator()(const stream_messages& m) {
        put(out, kind::stream_messages);
        put(out, m.id);
        put(out, m.read_from);
        put(out, m.read_through);
        put(out, m.bytes);
    }
};

std::optional<message> decode_forwarded_request(reader& in) {
    forwarded_request r;
    std::uint8_t flags = 0;
    std::uint32_t head_len = 0;
    std::uint32_t inline_len = 0;
    std::uint8_t peer_len = 0;
    if (!in.get(r.id) || !in.get(flags) || (flags & ~known_request_flags) != 0 ||
        !in.get(r.body_bytes) || !in.get(head_len) || !in.get(inline_len) ||
        !in.get(r.head, head_len) || !in.get(r.body, inline_len) || !in.get(peer_len) ||
        !in.get(r.peer_address, peer_len) || !in.done()) {
        return std::nullopt;
    }
    r.body_in_memfd = (flags & in_memfd) != 0;
    r.body_too_large = (flags & too_large) != 0;
    r.bytes_after_head = (flags & after_head) != 0;
    r.head_too_large = (flags & head_too_large) != 0;
    r.malformed = (flags & malformed) != 0;
    // The length says where the body is: all inline, or all in the memfd.
    if (r.body_in_memfd ? inline_len != 0 : inline_len != r.body_bytes) return std::nullopt;
    return r;
}

std::optional<message> decode_forwarded_response(reader& in) {
    forwarded_response r;
    std::uint8_t close = 0;
    std::uint32_t length = 0;
    if (!in.get(r.id) || !in.get(close) || close > 1 || !in.get(length) ||
        !in.get(r.bytes, length) || !in.done()) {
        return std::nullopt;
    }
    r.close = close == 1;
    return r;
}

std::optional<message> decode_forwarded_subscribe(reader& in) {
    forwarded_subscribe s;
    std::uint8_t recursive = 0;
    std::uint32_t length = 0;
    if (!in.get(s.id) || !in.get(recursive) || recursive > 1 || !in.get(length) ||
        !in.get(s.topic, length) || !get_resume(in, s.format, s.since) || !in.done()) {
        return std::nullopt;
    }
    s.recursive = recursive == 1;
    return s;
}

std::optional<message> decode_instance_description(reader& in) {
    instance_description d;
    std::uint8_t tls = 0;
    std::uint32_t length = 0;
    std::uint32_t dir_length = 0;
    if (!in.get(tls) || tls > 1 || !in.get(length) || !in.get(d.instance, length) ||
        !in.get(dir_length) || !in.get(d.bus_dir, dir_length) || !in.done()) {
        return std::nullopt;
    }
    d.workers_terminate_tls = tls == 1;
    return d;
}

std::optional<message> decode_stream_fetch(reader& in) {
    stream_fetch f;
    std::uint8_t recursive = 0;
    std::uint32_t length = 0;
    if (!in.get(f.id) || !in.get(recursive) || recursive > 1 || !in.get(f.after_seq) ||
        !in.get(f.through_seq) || !in.get(length) || !in.get(f.topic, length) || !in.done()) {
        return std::nullopt;
    }
    f.recursive = recursive == 1;
    return f;
}

std::optional<message> decode_stream_messages(reader& in) {
    stream_messages m;
    if (!in.get(m.id) || !in.get(m.read_from) || !in.get(m.read_through) || !in.get(m.bytes) ||
        !in.done()) {
        return std::nullopt;
    }
    return m;
}

// A message with no fields: the type byte alone.
template <typename Bare>
std::optional<message> decode_bare(const reader& in) {
    if (!in.done()) return std::nullopt;
    return Bare{};
}

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
            if (!in.get(h.slot) || !in.get(h.pid) || !in.get(h.max_subscribers) ||
                !in.get(h.bus_epoch) || !in.done()) {
                return std::nullopt;
            }
            return h;
        }
        case kind::subscriber: {
            subscriber s;
            std::uint8_t recursive = 0;
            std::uint32_t topic_len = 0;
            std::uint32_t head_len = 0;
            if (!in.get(recursive) || recursive > 1 || !in.get(topic_len) || !in.get(head_len) ||
                !in.get(s.topic, topic_len) || !in.get(s.request_head, head_len) ||
                !get_resume(in, s.format, s.since) || !in.done()) {
                return std::nullopt;
            }
            s.recursive = recursive == 1;
            return s;
        }
        case kind::forwarded_request:
            return decode_forwarded_request(in);
        case kind::forwarded_response:
            return decode_forwarded_response(in);
        case kind::forwarded_subscribe:
            return decode_forwarded_subscribe(in);
        case kind::attach_query:
            return decode_bare<attach_query>(in);
        case kind::instance_description:
            return decode_instance_description(in);
        case kind::draining:
            return decode_bare<draining>(in);
        case kind::draining_acknowledged:
            return decode_bare<draining_acknowledged>(in);
        case kind::stream_fetch:
            return decode_stream_fetch(in);
        case kind::stream_messages:
            return decode_stream_messages(in);
    }
    return std::nullopt;
}

}  // namespace hookbot::handoff
