#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "hookbot/utf8/validator.hpp"

namespace hookbot::fanout {

// An incremental parser of the frames a websocket client sends (RFC 6455 5),
// for a server that ignores client data (docs/PROTOCOL.md D5.3): data frames are
// checked and skipped (text must be UTF-8 across its fragments, RFC 6455
// 8.1), control frames are returned whole. Its state is a few
// dozen bytes per connection, so that an idle subscriber costs no read
// buffer: bytes are fed from a buffer the caller shares between connections.
// Only a control frame split across two reads allocates (125 bytes at most).
class client_frame_parser {
  public:
    enum class kind : std::uint8_t {
        none,  // every byte fed was consumed, no event
        ping,  // answer with a pong carrying `payload`
        pong,
        close,  // `close_code` (0: none); answer with a close and end
        error,  // close the connection with `close_code` (1002, 1007 or 1009)
    };
    struct event {
        kind what = kind::none;
        std::uint16_t close_code = 0;
        std::string_view payload;  // valid until the next feed()
    };

    // `max_message`: the largest data message accepted, fragments summed.
    explicit client_frame_parser(std::uint64_t max_message) : max_message_(max_message) {}

    // Consumes bytes of `data` up to the end of the first control frame or
    // error, or all of them; returns how many, and the event in `out`. Frames
    // are unmasked in place. After an error every byte is consumed unread.
    std::size_t feed(std::span<char> data, event& out);

    // True between frames: no frame has been partly received.
    [[nodiscard]] bool at_frame_boundary() const noexcept {
        return stage_ == stage::header && header_size_ == 0;
    }

  private:
    enum class stage : std::uint8_t { header, body, failed };

    std::size_t feed_header(std::span<char> data, event& out);
    std::size_t feed_payload(std::span<char> data, event& out);
    void fail(event& out, std::uint16_t code);
    // The frame is complete: returns its event, if it is a control frame.
    void end_frame(std::string_view control_payload, event& out);

    // Unmasks payload bytes in place, from where the frame is.
    void unmask(std::span<char> data);
    // Unmasks a text message's bytes and checks them.
    bool check_text(std::span<char> data);

    std::uint64_t max_message_;
    std::uint64_t message_size_ = 0;  // the data message so far, fragments summed
    std::uint64_t remaining_ = 0;     // payload bytes of this frame still to come
    std::array<std::uint8_t, 14> header_{};
    std::uint8_t header_size_ = 0;
    std::uint8_t opcode_ = 0;
    std::uint8_t mask_offset_ = 0;  // of the next payload byte, modulo 4
    stage stage_ = stage::header;
    bool final_ = false;
    bool in_message_ = false;  // a fragmented data message waits for continuations
    bool text_ = false;        // the data message is text
    utf8::validator utf8_;     // of the text message, fragments so far
    // A control frame's payload received so far, while it is split across reads.
    struct control_bytes {
        std::array<char, 125> bytes;
        std::size_t size = 0;
    };
    std::unique_ptr<control_bytes> control_;
};

}  // namespace hookbot::fanout
