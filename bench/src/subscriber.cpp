#include "subscriber.hpp"

#include "clock.hpp"
#include "net.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

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

void subscriber::start(const sockaddr_in& to, const sockaddr_in* source) {
    ++progress_.in_flight;
    try {
        fd_ = start_connect(to, source);
    } catch (const std::exception&) {
        fail();
        return;
    }
    state_ = state::connecting;
    loop_.add(fd_.get(), EPOLLOUT, this);
}

void subscriber::on_io(std::uint32_t events) {
    switch (state_) {
        case state::connecting:
            on_connected();
            break;
        case state::handshake:
            if ((events & EPOLLOUT) != 0 && request_sent_ < request_.size()) send_request();
            if (state_ == state::handshake && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
                read_handshake();
            }
            break;
        case state::open:
            read_frames();
            break;
        default:
            break;
    }
}

void subscriber::on_connected() {
    if (connect_result(fd_.get()) != 0) {
        fail();
        return;
    }
    state_ = state::handshake;
    send_request();
}

void subscriber::send_request() {
    const ssize_t n = ::send(fd_.get(), request_.data() + request_sent_,
                             request_.size() - request_sent_, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        fail();
        return;
    }
    request_sent_ += static_cast<std::size_t>(n);
    loop_.modify(fd_.get(), request_sent_ < request_.size() ? EPOLLIN | EPOLLOUT : EPOLLIN, this);
}

void subscriber::read_handshake() {
    const ssize_t n = ::read(fd_.get(), response_.data() + response_size_,
                             response_.size() - response_size_);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        fail();
        return;
    }
    response_size_ += static_cast<std::size_t>(n);
    const std::string_view head(response_.data(), response_size_);
    const auto end = head.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (response_size_ == response_.size()) fail();
        return;
    }
    if (!head.starts_with("HTTP/1.1 101")) {
        fail();
        return;
    }
    state_ = state::open;
    --progress_.in_flight;
    ++progress_.connected;
    const std::size_t rest = response_size_ - (end + 4);
    if (rest > 0) {
        stats_.now_ns = now_ns();
        std::memcpy(read_buffer_.data(), response_.data() + end + 4, rest);
        consume(read_buffer_.data(), rest);
    }
}

void subscriber::read_frames() {
    const ssize_t n = ::read(fd_.get(), read_buffer_.data(), read_buffer_.size());
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        ++stats_.closed_by_server;
        close_connection();
        return;
    }
    stats_.now_ns = now_ns();
    consume(read_buffer_.data(), static_cast<std::size_t>(n));
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
        for (std::size_t i = 0; i < copy; ++i) {
            const unsigned char mask = masked_ ? mask_[(frame_offset_ + i) & 3U] : 0;
            keep[kept + i] = data[i] ^ mask;
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
            send_pong();
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
        const auto skip = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - head) + 1;
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
    if (stamp.sequence < stats_.first_measured) return;
    ++stats_.delivered;
    stats_.last_delivery_ns = stats_.now_ns;
    stats_.latency.record(stats_.now_ns > stamp.sent_ns ? stats_.now_ns - stamp.sent_ns : 0);
}

// A client frame must be masked; a zero mask leaves the payload as it is.
void subscriber::send_pong() {
    std::array<unsigned char, 6 + 125> frame{};
    frame[0] = 0x8a;
    frame[1] = static_cast<unsigned char>(0x80U | control_size_);
    std::memcpy(frame.data() + 6, control_.data(), control_size_);
    (void)::send(fd_.get(), frame.data(), 6U + control_size_, MSG_NOSIGNAL);
}

void subscriber::abandon() {
    if (state_ == state::connecting || state_ == state::handshake) fail();
}

void subscriber::fail() {
    --progress_.in_flight;
    ++progress_.failed;
    state_ = state::failed;
    if (fd_) loop_.remove(fd_.get());
    fd_.reset();
}

void subscriber::close_connection() {
    state_ = state::closed;
    if (fd_) loop_.remove(fd_.get());
    fd_.reset();
}

}  // namespace hookbot::bench
