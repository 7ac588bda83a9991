#include "publisher.hpp"

#include <charconv>
#include <cstring>
#include <iostream>

#include "clock.hpp"
#include "http_head.hpp"
#include "net.hpp"

namespace hookbot::bench {
publisher::publisher(event_loop& loop, load_stats& stats, std::size_t max_head_size,
                     std::size_t body_size, idle_callback on_idle, std::size_t server)
    : loop_(loop),
      stats_(stats),
      on_idle_(std::move(on_idle)),
      server_(server),
      max_head_size_(max_head_size),
      request_(max_head_size + body_size, 'x') {}

void publisher::start(const sockaddr_in& to, SSL_CTX* tls) {
    stream_ = client_stream(start_connect(to, nullptr), tls);
    state_ = state::connecting;
    interest_ = EPOLLOUT;
    loop_.add(stream_.fd(), interest_, this);
}

void publisher::publish(std::string_view head, std::uint64_t sequence, std::uint64_t matching) {
    const std::size_t head_offset = max_head_size_ - head.size();
    std::memcpy(request_.data() + head_offset, head.data(), head.size());
    out_ = std::span(request_).subspan(head_offset);
    sequence_ = sequence;
    matching_ = matching;
    sent_ns_ = now_ns();
    const body_stamp stamp{sent_ns_, sequence};
    std::memcpy(request_.data() + max_head_size_, &stamp, stamp_size);
    written_ = 0;
    busy_ = true;
    write_pending();
}

void publisher::on_io(std::uint32_t events) {
    switch (state_) {
        case state::connecting:
            on_connected();
            break;
        case state::handshake:
            continue_handshake();
            break;
        case state::ready:
            // A TLS write may have waited for a read, so retry on any event.
            if (busy_ && written_ < out_.size()) write_pending();
            if (state_ == state::ready && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
                read_response();
            }
            break;
        default:
            break;
    }
}

void publisher::on_connected() {
    if (connect_result(stream_.fd()) != 0) {
        fail();
        return;
    }
    state_ = state::handshake;
    continue_handshake();
}

void publisher::continue_handshake() {
    const io_result result = stream_.handshake();
    switch (result.status) {
        case io_status::done:
            state_ = state::ready;
            watch(EPOLLIN);
            on_idle_(*this);
            break;
        case io_status::want_read:
            watch(EPOLLIN);
            break;
        case io_status::want_write:
            watch(EPOLLIN | EPOLLOUT);
            break;
        default:
            std::cerr << "hookbot-bench: publisher: " << stream_.error() << std::endl;
            fail();
            break;
    }
}

void publisher::write_pending() {
    while (written_ < out_.size()) {
        const io_result result = stream_.write(out_.subspan(written_));
        if (result.status == io_status::want_read || result.status == io_status::want_write) {
            watch(result.status == io_status::want_write ? EPOLLIN | EPOLLOUT : EPOLLIN);
            return;
        }
        if (result.status != io_status::done) {
            fail();
            return;
        }
        written_ += result.bytes;
    }
    watch(EPOLLIN);
}

// One read per epoll event on plain TCP (level-triggered); with TLS, until
// OpenSSL holds nothing more than the kernel does.
void publisher::read_response() {
    do {
        const io_result result = stream_.read(
            std::span(reinterpret_cast<unsigned char*>(response_.data()) + response_size_,
                      response_.size() - response_size_));
        if (result.status == io_status::want_read) return;
        if (result.status == io_status::want_write) {
            watch(EPOLLIN | EPOLLOUT);
            return;
        }
        if (result.status != io_status::done) {
            fail();
            return;
        }
        response_size_ += result.bytes;
        while (parse_response()) {
        }
        if (response_size_ == response_.size()) fail();  // a head larger than 4 KiB
    } while (state_ == state::ready && stream_.buffered());
}

// Consumes one whole response from the buffer if there is one.
bool publisher::parse_response() {
    const std::string_view buffered(response_.data(), response_size_);
    const auto head_end = buffered.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return false;
    const std::string_view head = buffered.substr(0, head_end + 2);
    std::size_t body_length = 0;
    const auto length = header_value(head, "content-length");
    std::from_chars(length.data(), length.data() + length.size(), body_length);
    const std::size_t total = head_end + 4 + body_length;
    if (total > response_.size()) {
        fail();
        return false;
    }
    if (total > buffered.size()) return false;
    unsigned status = 0;
    if (head.size() > 12) std::from_chars(head.data() + 9, head.data() + 12, status);
    std::memmove(response_.data(), response_.data() + total, response_size_ - total);
    response_size_ -= total;
    if (!busy_) return true;  // an answer nobody asked for: ignore
    busy_ = false;
    const std::uint64_t now = now_ns();
    if (sequence_ >= stats_.first_measured) {
        if (status == 200) {
            ++stats_.answered_ok;
            stats_.expected += matching_;
        } else {
            ++stats_.answered_other;
        }
        stats_.last_answer_ns = now;
        stats_.publish_rtt.record(now - sent_ns_);
    }
    on_idle_(*this);
    return true;
}

void publisher::watch(std::uint32_t events) {
    if (events == interest_) return;
    interest_ = events;
    loop_.modify(stream_.fd(), events, this);
}

void publisher::fail() {
    if (state_ == state::broken) return;
    const bool was_busy = busy_;
    ++stats_.publish_errors;
    busy_ = false;
    state_ = state::broken;
    if (stream_.is_open()) loop_.remove(stream_.fd());
    stream_.close();
    if (was_busy) on_idle_(*this);
}

}  // namespace hookbot::bench
