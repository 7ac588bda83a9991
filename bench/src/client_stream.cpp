#include "client_stream.hpp"

#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "tls_client.hpp"

namespace hookbot::bench {
namespace {

// OpenSSL takes int lengths.
int clamp_int(std::size_t size) {
    return static_cast<int>(std::min<std::size_t>(size, std::numeric_limits<int>::max()));
}

}  // namespace

client_stream::client_stream(posix::unique_fd fd, SSL_CTX* tls) : fd_(std::move(fd)) {
    if (tls == nullptr) return;
    ssl_.reset(SSL_new(tls));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
        throw std::runtime_error("SSL_new: " + openssl_errors("failed"));
    }
    SSL_set_connect_state(ssl_.get());
}

io_result client_stream::handshake() {
    if (!ssl_) return {io_status::done};
    ERR_clear_error();
    errno = 0;
    return tls_result(SSL_do_handshake(ssl_.get()));
}

io_result client_stream::read(std::span<unsigned char> into) {
    if (ssl_) {
        ERR_clear_error();
        errno = 0;
        return tls_result(SSL_read(ssl_.get(), into.data(), clamp_int(into.size())));
    }
    const ssize_t n = ::read(fd_.get(), into.data(), into.size());
    if (n > 0) return {io_status::done, static_cast<std::size_t>(n)};
    if (n == 0) {
        error_ = "closed by the peer";
        return {io_status::closed};
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {io_status::want_read};
    error_ = std::strerror(errno);
    return {io_status::failed};
}

io_result client_stream::write(std::span<const unsigned char> bytes) {
    if (ssl_) {
        ERR_clear_error();
        errno = 0;
        return tls_result(SSL_write(ssl_.get(), bytes.data(), clamp_int(bytes.size())));
    }
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return {io_status::done, static_cast<std::size_t>(n)};
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {io_status::want_write};
    error_ = std::strerror(errno);
    return {io_status::failed};
}

bool client_stream::buffered() const noexcept {
    return ssl_ && SSL_has_pending(ssl_.get()) == 1;
}

io_result client_stream::tls_result(int returned) {
    if (returned > 0) return {io_status::done, static_cast<std::size_t>(returned)};
    switch (SSL_get_error(ssl_.get(), returned)) {
        case SSL_ERROR_WANT_READ:
            return {io_status::want_read};
        case SSL_ERROR_WANT_WRITE:
            return {io_status::want_write};
        case SSL_ERROR_ZERO_RETURN:
            error_ = "TLS: closed by the peer";
            return {io_status::closed};
        case SSL_ERROR_SYSCALL:
            // A socket error (EOF is ZERO_RETURN: SSL_OP_IGNORE_UNEXPECTED_EOF).
            error_ = errno != 0 ? std::string("TLS: ") + std::strerror(errno)
                                : "TLS: " + openssl_errors("connection reset");
            return {io_status::failed};
        default:
            error_ = "TLS: " + openssl_errors("handshake or record failed");
            return {io_status::failed};
    }
}

void client_stream::close() noexcept {
    ssl_.reset();
    fd_.reset();
}

}  // namespace hookbot::bench
