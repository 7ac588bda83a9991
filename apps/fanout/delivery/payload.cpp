#include "delivery/payload.hpp"

#include "delivery/envelope.hpp"
#include "frames/frame_header.hpp"
#include "hookbot/request_metadata/record_body.hpp"

namespace hookbot::fanout {

outgoing_message::outgoing_message(std::initializer_list<std::string_view> parts,
                                   std::uint32_t commit_us_, framing how, std::uint64_t bus_seq_)
    : commit_us(commit_us_), bus_seq(bus_seq_) {
    std::size_t length = 0;
    for (const std::string_view part : parts) length += part.size();
    ws_frame::header h;
    if (how != framing::none) {
        h = ws_frame::make_header(
            how == framing::text_frame ? ws_frame::opcode::text : ws_frame::opcode::binary, length);
    }
    frame.reserve(h.size + length);
    frame.append(h.view());
    for (const std::string_view part : parts) frame.append(part);
    bytes = std::string_view(frame).substr(h.size);
}

payload make_kind_payload(payload_kind kind, const record_message& record) {
    switch (kind) {
        case payload_kind::bare:
            return make_payload(record.body, record.commit_us, record.bus_seq);
        case payload_kind::recursive:
            return make_recursive_payload(record.topic, record.body, record.commit_us,
                                          record.bus_seq);
        case payload_kind::json:
            return make_message(
                {json_envelope(record.id, record.topic, record.body, record.request_json)},
                record.commit_us, framing::text_frame, record.bus_seq);
        case payload_kind::event:
            // The envelope is one line: JSON strings escape every newline.
            return make_message(
                {"id: ", record.id, "\ndata: ",
                 json_envelope(record.id, record.topic, record.body, record.request_json), "\n\n"},
                record.commit_us, framing::none, record.bus_seq);
    }
    return nullptr;
}

record_message read_record(std::string_view id, std::string_view topic, std::uint32_t flags,
                           std::string_view stored_body, std::uint32_t commit_us,
                           std::uint64_t bus_seq) {
    record_message record{id, topic, stored_body, commit_us, bus_seq, {}};
    if ((flags & request_metadata::record_flag_request) == 0) return record;
    // A sound writer always splits; were one not to, the bytes go out whole
    // rather than not at all.
    if (const auto parts = request_metadata::split_record_body(stored_body)) {
        record.body = parts->body;
        record.request_json = parts->request_json;
    }
    return record;
}

payload make_gap_payload(bool event_stream, std::string_view gap) {
    if (event_stream) return make_message({"event: gap\ndata: ", gap, "\n\n"}, 0, framing::none);
    return make_message({"{\"gap\":", gap, "}"}, 0, framing::text_frame);
}

}  // namespace hookbot::fanout
