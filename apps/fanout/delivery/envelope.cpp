#include "delivery/envelope.hpp"

#include "hookbot/auth/base64.hpp"
#include "hookbot/utf8/validator.hpp"

namespace hookbot::fanout {
namespace {

void append_escaped_byte(std::string& out, unsigned char c) {
    constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[c >> 4];
    out += hex[c & 0xf];
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    const bool utf8 = utf8::is_valid(text);
    out += '"';
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || (c >= 0x80 && !utf8)) {
                    append_escaped_byte(out, c);
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

std::string json_envelope(std::string_view id, std::string_view topic, std::string_view body,
                          std::string_view request_json) {
    std::string out;
    out.reserve(body.size() + topic.size() + id.size() + request_json.size() + 52);
    out += "{\"id\":";
    append_json_string(out, id);
    out += ",\"topic\":";
    append_json_string(out, topic);
    if (!request_json.empty()) {
        out += ",\"request\":";
        out += request_json;
    }
    if (utf8::is_valid(body)) {
        out += ",\"body\":";
        append_json_string(out, body);
    } else {
        out += ",\"body_b64\":\"";
        out += auth::base64_encode(body);
        out += '"';
    }
    out += '}';
    return out;
}

std::string_view gap_reason_name(gap_reason reason) noexcept {
    switch (reason) {
        case gap_reason::overwritten:
            return "overwritten";
        case gap_reason::unknown:
            return "unknown";
        case gap_reason::other_epoch:
            return "other_epoch";
        case gap_reason::released:
            return "released";
        case gap_reason::expired:
            return "expired";
    }
    return "unknown";
}

std::string gap_object(std::string_view since, gap_reason reason) {
    std::string out = "{\"since\":";
    append_json_string(out, since);
    out += ",\"reason\":";
    append_json_string(out, gap_reason_name(reason));
    out += '}';
    return out;
}

}  // namespace hookbot::fanout
