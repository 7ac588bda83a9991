#include "limit_connection.hpp"

#include <openssl/evp.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>

#include "http_head.hpp"
#include "limit_server.hpp"

namespace hookbot::bench {
namespace {

constexpr std::string_view ok_response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nOK\n";

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

// RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)).
std::string websocket_accept(std::string_view key) {
    const std::string input = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr);
    std::array<unsigned char, 64> encoded{};
    const int length =
        EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
    return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(length)};
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace

limit_connection::limit_connection(limit_server& server, posix::unique_fd fd)
    : server_(server), fd_(std::move(fd)) {}

limit_connection::~limit_connection() {
    for (const auto& write : pending_) {
        if (write.frame != nullptr) server_.release(write.frame);
    }
}

void limit_connection::on_io(std::uint32_t events) {
    if ((events & EPOLLOUT) != 0 && !flush()) {
        server_.close(*this);
        return;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_requests();
}

// Reads into the server's scratch buffer and handles requests from there; only
// a partial request is kept in in_, so an idle subscriber holds no buffer.
void limit_connection::read_requests() {
    const std::span<char> scratch = server_.scratch();
    const ssize_t n = ::read(fd_.get(), scratch.data(), scratch.size());
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        server_.close(*this);
        return;
    }
    if (websocket_) return;  // a subscriber's pongs and pings are not needed
    std::string_view data(scratch.data(), static_cast<std::size_t>(n));
    if (!in_.empty()) {
        in_.insert(in_.end(), data.begin(), data.end());
        data = std::string_view(in_.data(), in_.size());
    }
    std::size_t consumed = 0;
    while (!websocket_ && consumed < data.size()) {
        const std::size_t used = handle_request(data.substr(consumed));
        if (used == 0) break;
        consumed += used;
    }
    if (websocket_) {
        in_ = {};
    } else if (in_.empty()) {
        in_.assign(data.begin() + static_cast<std::ptrdiff_t>(consumed), data.end());
    } else {
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(consumed));
    }
}

std::size_t limit_connection::handle_request(std::string_view buffered) {
    const auto head_end = buffered.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return 0;
    const std::string_view head = buffered.substr(0, head_end + 2);
    const auto first_space = head.find(' ');
    const auto second_space = head.find(' ', first_space + 1);
    const std::string_view method = head.substr(0, first_space);
    const std::string_view target = head.substr(first_space + 1, second_space - first_space - 1);
    const std::string_view key = header_value(head, "sec-websocket-key");
    if (method == "GET" && !key.empty()) {
        upgrade(target, key);
        return head_end + 4;
    }
    std::size_t body_size = 0;
    const std::string_view length = header_value(head, "content-length");
    std::from_chars(length.data(), length.data() + length.size(), body_size);
    const std::size_t total = head_end + 4 + body_size;
    if (buffered.size() < total) return 0;
    const std::string_view path = path_of(target);
    if (method == "POST") {
        const std::string_view topic = path.starts_with("/pub/") ? path.substr(5) : path.substr(1);
        server_.publish(topic, {bytes_of(buffered.substr(head_end + 4, body_size)), body_size});
    }
    server_.answer(*this);
    return total;
}

void limit_connection::upgrade(std::string_view target, std::string_view key) {
    const std::string_view path = path_of(target);
    topic_ = path.starts_with("/sub/") ? path.substr(5) : path.substr(1);
    handshake_response_ =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        websocket_accept(key) + "\r\n\r\n";
    websocket_ = true;
    queue(nullptr, bytes_of(handshake_response_), handshake_response_.size());
    server_.subscribe(*this);
}

void limit_connection::queue_answer() {
    queue(nullptr, bytes_of(ok_response), ok_response.size());
}

void limit_connection::queue(shared_frame* frame, const unsigned char* data, std::size_t size) {
    if (frame != nullptr) ++frame->references;
    pending_.push_back({frame, data, size});
    pending_bytes_ += size;
    server_.needs_flush(*this);
}

bool limit_connection::flush() {
    if (pending_bytes_ - pending_offset_ > limit_server::max_pending_bytes) return false;
    while (!pending_.empty()) {
        std::array<iovec, IOV_MAX> parts{};
        std::size_t count = 0;
        std::size_t offered = 0;
        for (const auto& write : pending_) {
            if (count == parts.size()) break;
            const std::size_t skip = count == 0 ? pending_offset_ : 0;
            parts[count++] = {const_cast<unsigned char*>(write.data + skip), write.size - skip};
            offered += write.size - skip;
        }
        const ssize_t n = ::writev(fd_.get(), parts.data(), static_cast<int>(count));
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
            watch_writable(true);
            return true;
        }
        drop_written(static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < offered) {
            watch_writable(true);
            return true;
        }
    }
    watch_writable(false);
    return true;
}

void limit_connection::drop_written(std::size_t written) {
    std::size_t done = 0;
    while (done < pending_.size() && written > 0) {
        pending_write& write = pending_[done];
        const std::size_t left = write.size - pending_offset_;
        if (written < left) {
            pending_offset_ += written;
            break;
        }
        written -= left;
        pending_bytes_ -= write.size;
        pending_offset_ = 0;
        if (write.frame != nullptr) server_.release(write.frame);
        ++done;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
}

void limit_connection::watch_writable(bool writable) {
    if (writable == watching_writable_) return;
    watching_writable_ = writable;
    server_.loop().modify(fd_.get(), writable ? EPOLLIN | EPOLLOUT : EPOLLIN, this);
}

}  // namespace hookbot::bench
