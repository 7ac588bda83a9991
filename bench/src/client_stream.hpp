#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <hookbot/posix/unique_fd.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace hookbot::bench {

// What one non-blocking call on a stream did. `want_read`/`want_write`: try
// again when epoll reports the socket readable/writable (TLS may need to
// read to write, or write to read).
enum class io_status { done, want_read, want_write, closed, failed };

struct io_result {
    io_status status;
    std::size_t bytes = 0;  // with done: bytes read or written (never 0)
};

inline std::span<const unsigned char> bytes_of(std::string_view text) noexcept {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

// A connected socket, plain TCP or TLS client, with the same non-blocking
// calls either way. Plain: read(2)/send(2). TLS: SSL_read/SSL_write on the
// same fd; a write that has to wait must be retried with the same bytes
// (OpenSSL's rule), and OpenSSL may hold bytes already taken from the
// kernel: callers read until buffered() is false before waiting on epoll.
class client_stream {
  public:
    client_stream() = default;
    // `tls` null: plain TCP. Otherwise a TLS client on `fd`.
    client_stream(posix::unique_fd fd, SSL_CTX* tls);

    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    [[nodiscard]] bool is_open() const noexcept { return fd_.valid(); }
    [[nodiscard]] bool encrypted() const noexcept { return ssl_ != nullptr; }

    // TLS: drives the client handshake (done when complete). Plain: done.
    io_result handshake();
    io_result read(std::span<unsigned char> into);
    io_result write(std::span<const unsigned char> bytes);
    // True when OpenSSL holds bytes a read would return without the kernel.
    [[nodiscard]] bool buffered() const noexcept;
    // Why the last call failed (errno text or OpenSSL's reasons).
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

    void close() noexcept;

  private:
    io_result tls_result(int returned);

    struct free_ssl {
        void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
    };
    // Declared after fd_ so that it is freed first.
    posix::unique_fd fd_;
    std::unique_ptr<SSL, free_ssl> ssl_;
    std::string error_;
};

}  // namespace hookbot::bench
