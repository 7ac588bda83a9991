#include "publisher.hpp"

#include "clock.hpp"
#include "http_head.hpp"
#include "net.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace hookbot::bench {
publisher::publisher(event_loop& loop, load_stats& stats, std::size_t body_size,
                     idle_callback on_idle)
    : loop_(loop), stats_(stats), on_idle_(std::move(on_idle)), body_(body_size, 'x') {}

void publisher::start(const sockaddr_in& to) {
    fd_ = start_connect(to, nullptr);
    loop_.add(fd_.get(), EPOLLOUT, this);
}

void publisher::publish(std::string_view head, std::uint64_t sequence, std::uint64_t matching) {
    head_ = head;
    sequence_ = sequence;
    matching_ = matching;
    sent_ns_ = now_ns();
    const body_stamp stamp{sent_ns_, sequence};
    std::memcpy(body_.data(), &stamp, stamp_size);
    written_ = 0;
    busy_ = true;
    write_pending();
}

void publisher::on_io(std::uint32_t events) {
    if (!fd_) return;
    if (!connected_) {
        if (connect_result(fd_.get()) != 0) {
            fail();
            return;
        }
        connected_ = true;
        loop_.modify(fd_.get(), EPOLLIN, this);
        on_idle_(*this);
        return;
    }
    if ((events & EPOLLOUT) != 0 && busy_) write_pending();
    if (fd_ && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_response();
}

void publisher::write_pending() {
    const std::size_t total = head_.size() + body_.size();
    while (written_ < total) {
        std::array<iovec, 2> parts{};
        int count = 0;
        if (written_ < head_.size()) {
            parts[0] = {const_cast<char*>(head_.data() + written_), head_.size() - written_};
            parts[1] = {body_.data(), body_.size()};
            count = 2;
        } else {
            const std::size_t offset = written_ - head_.size();
            parts[0] = {body_.data() + offset, body_.size() - offset};
            count = 1;
        }
        const ssize_t n = ::writev(fd_.get(), parts.data(), count);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                loop_.modify(fd_.get(), EPOLLIN | EPOLLOUT, this);
                return;
            }
            fail();
            return;
        }
        written_ += static_cast<std::size_t>(n);
    }
    loop_.modify(fd_.get(), EPOLLIN, this);
}

void publisher::read_response() {
    const ssize_t n = ::read(fd_.get(), response_.data() + response_size_,
                             response_.size() - response_size_);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        fail();
        return;
    }
    response_size_ += static_cast<std::size_t>(n);
    while (parse_response()) {
    }
    if (response_size_ == response_.size()) fail();  // a head larger than 4 KiB
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

void publisher::fail() {
    const bool was_busy = busy_;
    ++stats_.publish_errors;
    busy_ = false;
    if (fd_) loop_.remove(fd_.get());
    fd_.reset();
    connected_ = false;
    if (was_busy) on_idle_(*this);
}

}  // namespace hookbot::bench
