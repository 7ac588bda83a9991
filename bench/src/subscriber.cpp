#include "subscriber.hpp"

#include <algorithm>
#include <cstring>

#include "clock.hpp"
#include "net.hpp"

namespace hookbot::bench {

subscriber::subscriber(event_loop& loop, load_stats& stats, connect_progress& progress,
                       std::string_view request, std::span<unsigned char> read_buffer,
                       bool recursive)
    : loop_(loop),
      stats_(stats),
      progress_(progress),
      request_(request),
      read_buffer_(read_buffer),
      recursive_(recursive) {}

void subscriber::start(const sockaddr_in& to, const sockaddr_in* source, SSL_CTX* tls) {
    ++progress_.in_flight;
    try {
        stream_ = client_stream(start_connect(to, source), tls);
    } catch (const std::exception& e) {
        fail(e.what());
        return;
    }
    state_ = state::connecting;
    interest_ = EPOLLOUT;
    loop_.add(stream_.fd(), interest_, this);
}

void subscriber::on_io(std::uint32_t events) {
    switch (state_) {
        case state::connecting:
            on_connected();
            break;
        case state::tls_handshake:
            continue_tls_handshake();
            break;
        case state::handshake:
            if (request_sent_ < request_.size()) {
                send_request();
            } else {
                read_handshake();
            }
            break;
        case state::open:
            if ((events & EPOLLOUT) != 0 && pong_sent_ < pong_size_) flush_pong();
            if (state_ == state::open) read_frames();
            break;
        default:
            break;
    }
}

void subscriber::on_connected() {
    if (const int error = connect_result(stream_.fd()); error != 0) {
        fail(std::string("connect: ") + std::strerror(error));
        return;
    }
    if (stream_.encrypted()) {
        state_ = state::tls_handshake;
        continue_tls_handshake();
    } else {
        state_ = state::handshake;
        send_request();
    }
}

void subscriber::continue_tls_handshake() {
    const io_result result = stream_.handshake();
    if (result.status != io_status::done) {
        wait_for(result);
        return;
    }
    state_ = state::handshake;
    send_request();
}

void subscriber::send_request() {
    while (request_sent_ < request_.size()) {
        const io_result result = stream_.write(bytes_of(request_.substr(request_sent_)));
        if (result.status != io_status::done) {
            wait_for(result);
            return;
        }
        request_sent_ += result.bytes;
    }
    watch(EPOLLIN);
    if (stream_.buffered()) read_handshake();
}

void subscriber::read_handshake() {
    while (true) {
        const io_result result = stream_.read(
            std::span(reinterpret_cast<unsigned char*>(response_.data()) + response_size_,
                      response_.size() - response_size_));
        if (result.status != io_status::done) {
            wait_for(result);
            return;
        }
        response_size_ += result.bytes;
        const std::string_view head(response_.data(), response_size_);
        const auto end = head.find("\r\n\r\n");
        if (end == std::string_view::npos) {
            if (response_size_ == response_.size()) {
                fail("a response head over 512 bytes");
                return;
            }
            continue;
        }
        if (!head.starts_with("HTTP/1.1 101")) {
            fail(head.substr(0, head.find('\r')));
            return;
        }
        state_ = state::open;
        opened_ns_ = now_ns();
        --progress_.in_flight;
        ++progress_.connected;
        const std::size_t rest = response_size_ - (end + 4);
        if (rest > 0) {
            stats_.now_ns = now_ns();
            std::memcpy(read_buffer_.data(), response_.data() + end + 4, rest);
            consume(read_buffer_.data(), rest);
        }
        // OpenSSL may already hold the first frames.
        if (state_ == state::open && stream_.buffered()) read_frames();
        return;
    }
}

// One read per epoll event on plain TCP (level-triggered); with TLS, until
// OpenSSL holds nothing more than the kernel does.
void subscriber::read_frames() {
    do {
        const io_result result = stream_.read(read_buffer_);
        if (result.status == io_status::want_read || result.status == io_status::want_write) {
            watch(result.status == io_status::want_write ? EPOLLIN | EPOLLOUT : open_interest());
            return;
        }
        if (result.status != io_status::done) {
            ++stats_.closed_by_server;
            close_connection();
            return;
        }
        stats_.now_ns = now_ns();
        consume(read_buffer_.data(), result.bytes);
    } while (state_ == state::open && stream_.buffered());
}

void subscriber::wait_for(const io_result& result) {
    switch (result.status) {
        case io_status::want_read:
            watch(EPOLLIN);
            break;
        case io_status::want_write:
            watch(EPOLLIN | EPOLLOUT);
            break;
        case io_status::closed:
            fail("closed by the server before the 101");
            break;
        default:
            fail(stream_.error());
            break;
    }
}

// epoll_ctl only when the interest changes: not once per message.
void subscriber::watch(std::uint32_t events) {
    if (events == interest_) return;
    interest_ = events;
    loop_.modify(stream_.fd(), events, this);
}

std::uint32_t subscriber::open_interest() const noexcept {
    return pong_sent_ < pong_size_ ? EPOLLIN | EPOLLOUT : EPOLLIN;
}

// RFC 6455 section 5.2: 2 bytes, then 0, 2 or 8 of length, then 0 or 4 of mask.
bool subscriber::header_complete() {
    if (header_size_ < 2) return false;
    const unsigned length7 = header_[1] & 0x7fU;
    const std::size_t length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    masked_ = (header_[1] & 0x80U) != 0;
    const std::size_t needed = 2 + length_bytes + (masked_ ? 4 : 0);
    if (header_size_ < needed) return false;
    std::uint64_t length = length7;
    if (length_bytes != 0) {
        length = 0;
        for (std::size_t i = 0; i < length_bytes; ++i) length = (length << 8) | header_[2 + i];
    }
    if (masked_) std::memcpy(mask_.data(), header_.data() + 2 + length_bytes, 4);
    fin_ = (header_[0] & 0x80U) != 0;
    opcode_ = header_[0] & 0x0fU;
    payload_left_ = length;
    frame_offset_ = 0;
    header_size_ = 0;
    if (opcode_ >= 0x8) {
        control_size_ = 0;
    } else if (opcode_ != 0x0) {
        message_head_size_ = 0;  // a new message; 0x0 continues the last one
    }
    return true;
}

void subscriber::consume(const unsigned char* data, std::size_t size) {
    while (size > 0 && state_ == state::open) {
        if (!in_payload_) {
            header_[header_size_++] = *data++;
            --size;
            if (!header_complete()) continue;
            if (payload_left_ == 0) {
                finish_frame();
            } else {
                in_payload_ = true;
            }
            continue;
        }
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, size));
        const bool control = opcode_ >= 0x8;
        unsigned char* keep = control ? control_.data() : message_head_.data();
        const std::size_t kept = control ? control_size_ : message_head_size_;
        const std::size_t room = (control ? control_.size() : message_head_.size()) - kept;
        const std::size_t copy = std::min(room, take);
        if (masked_) {
            for (std::size_t i = 0; i < copy; ++i) {
                keep[kept + i] = data[i] ^ mask_[(frame_offset_ + i) & 3U];
            }
        } else {
            // Server frames are unmasked (RFC 6455 5.1): the byte loop was
            // most of the bench's CPU per message.
            std::memcpy(keep + kept, data, copy);
        }
        if (control) {
            control_size_ = static_cast<std::uint8_t>(kept + copy);
        } else {
            message_head_size_ = static_cast<std::uint16_t>(kept + copy);
        }
        data += take;
        size -= take;
        frame_offset_ += take;
        payload_left_ -= take;
        if (payload_left_ == 0) {
            in_payload_ = false;
            finish_frame();
        }
    }
}

void subscriber::finish_frame() {
    switch (opcode_) {
        case 0x0:
        case 0x1:
        case 0x2:
            if (fin_) deliver();
            break;
        case 0x8:
            ++stats_.closed_by_server;
            close_connection();
            break;
        case 0x9:
            ++stats_.pings;
            queue_pong();
            break;
        default:
            break;
    }
}

void subscriber::deliver() {
    const unsigned char* head = message_head_.data();
    std::size_t size = message_head_size_;
    if (recursive_) {
        const void* nul = std::memchr(head, 0, size);
        if (nul == nullptr) {
            ++stats_.malformed;
            return;
        }
        const auto skip =
            static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - head) + 1;
        head += skip;
        size -= skip;
    }
    if (size < stamp_size) {
        ++stats_.malformed;
        return;
    }
    body_stamp stamp{};
    std::memcpy(&stamp, head, stamp_size);
    ++stats_.received;
    if (++messages_ == expect_) {
        stats_.completion.record(stats_.now_ns > opened_ns_ ? stats_.now_ns - opened_ns_ : 0);
    }
    if (stamp.sequence < stats_.first_measured) return;
    ++stats_.delivered;
    stats_.last_delivery_ns = stats_.now_ns;
    stats_.latency.record(stats_.now_ns > stamp.sent_ns ? stats_.now_ns - stamp.sent_ns : 0);
}

// A client frame must be masked; a zero mask leaves the payload as it is.
void subscriber::queue_pong() {
    if (pong_sent_ < pong_size_) return;  // one still waiting (see pong_)
    pong_[0] = 0x8a;
    pong_[1] = static_cast<unsigned char>(0x80U | control_size_);
    std::fill_n(pong_.begin() + 2, 4, 0);
    std::memcpy(pong_.data() + 6, control_.data(), control_size_);
    pong_size_ = static_cast<std::uint8_t>(6U + control_size_);
    pong_sent_ = 0;
    flush_pong();
}

void subscriber::flush_pong() {
    while (pong_sent_ < pong_size_) {
        const io_result result =
            stream_.write(std::span(pong_.data() + pong_sent_, pong_size_ - pong_sent_));
        if (result.status == io_status::want_read || result.status == io_status::want_write) {
            watch(EPOLLIN | EPOLLOUT);
            return;
        }
        if (result.status != io_status::done) {
            ++stats_.closed_by_server;
            close_connection();
            return;
        }
        pong_sent_ = static_cast<std::uint8_t>(pong_sent_ + result.bytes);
    }
    watch(EPOLLIN);
}

void subscriber::abandon() {
    if (state_ == state::connecting || state_ == state::tls_handshake ||
        state_ == state::handshake) {
        fail("no 101 within --connect-timeout");
    }
}

void subscriber::fail(std::string_view why) {
    --progress_.in_flight;
    ++progress_.failed;
    if (progress_.first_failure.empty()) progress_.first_failure = why;
    state_ = state::failed;
    if (stream_.is_open()) loop_.remove(stream_.fd());
    stream_.close();
}

void subscriber::close_connection() {
    state_ = state::closed;
    if (stream_.is_open()) loop_.remove(stream_.fd());
    stream_.close();
}

}  // namespace hookbot::bench
