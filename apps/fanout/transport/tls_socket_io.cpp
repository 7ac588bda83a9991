#include "transport/tls_socket_io.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <climits>

namespace hookbot::fanout::tls_socket_io {
namespace {

namespace asio = boost::asio;

int clamp_int(std::size_t size) {
    return size > INT_MAX ? INT_MAX : static_cast<int>(size);
}

// What a failed SSL_read or SSL_write, which returned `returned` with errno
// `saved_errno`, means. The error queue was empty before the call.
result outcome(SSL* ssl, int returned, int saved_errno) {
    result r;
    switch (SSL_get_error(ssl, returned)) {
        case SSL_ERROR_WANT_READ:
            r.wait_for = wait::readable;
            break;
        case SSL_ERROR_WANT_WRITE:
            r.wait_for = wait::writable;
            break;
        case SSL_ERROR_ZERO_RETURN:  // the client's close_notify
            r.error = asio::error::eof;
            break;
        case SSL_ERROR_SYSCALL:
            r.error = saved_errno != 0
                          ? boost::system::error_code(saved_errno, boost::system::system_category())
                          : boost::system::error_code(asio::ssl::error::stream_truncated);
            break;
        default:
            // As Asio's engine maps it: a TCP close without close_notify is
            // what most clients do, not a protocol failure.
            if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                r.error = asio::ssl::error::stream_truncated;
            } else {
                r.error = boost::system::error_code(static_cast<int>(ERR_get_error()),
                                                    asio::error::get_ssl_category());
            }
            break;
    }
    ERR_clear_error();
    return r;
}

}  // namespace

ssl_handle share(SSL* ssl) noexcept {
    return ssl_handle(SSL_up_ref(ssl) == 1 ? ssl : nullptr);
}

boost::system::error_code attach(SSL* ssl, int fd) {
    if (BIO_ctrl_pending(SSL_get_rbio(ssl)) != 0) {
        return make_error_code(boost::system::errc::protocol_error);
    }
    BIO* socket = BIO_new_socket(fd, BIO_NOCLOSE);
    if (socket == nullptr) return make_error_code(boost::system::errc::not_enough_memory);
    // One BIO both ways (SSL_set_bio takes a second reference itself). The
    // pair's end SSL held goes; Asio's engine frees the other end.
    SSL_set_bio(ssl, socket, socket);
    return {};
}

result read(SSL* ssl, std::span<char> into) {
    ERR_clear_error();
    errno = 0;
    const int returned = SSL_read(ssl, into.data(), clamp_int(into.size()));
    if (returned > 0) return {static_cast<std::size_t>(returned), wait::none, {}};
    return outcome(ssl, returned, errno);
}

result write(SSL* ssl, std::span<const char> bytes) {
    ERR_clear_error();
    errno = 0;
    const int returned = SSL_write(ssl, bytes.data(), clamp_int(bytes.size()));
    if (returned > 0) return {static_cast<std::size_t>(returned), wait::none, {}};
    return outcome(ssl, returned, errno);
}

void send_close_notify(SSL* ssl) noexcept {
    ERR_clear_error();
    (void)SSL_shutdown(ssl);
    ERR_clear_error();
}

}  // namespace hookbot::fanout::tls_socket_io
