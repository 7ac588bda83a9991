#pragma once

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

// TLS on a subscriber's socket itself, once its websocket handshake is done.
// Asio's ssl::stream moves every byte through a BIO pair and its own buffers
// (two copies each way) and builds a composed operation per write; a
// subscriber only writes records and reads the odd control frame, so from
// the 101 on OpenSSL reads and writes the non-blocking socket directly, and
// the caller waits for readiness as it does for plain TCP.
namespace hookbot::fanout::tls_socket_io {

struct ssl_free {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
// A reference to an SSL of its holder's own.
using ssl_handle = std::unique_ptr<SSL, ssl_free>;

// Another reference to `ssl` (null if OpenSSL refuses one). Taken from an
// Asio stream after its handshake, it lets the stream go, and with it the
// stream's two 17 KiB buffers and its BIO pair's 17 KiB: an idle TLS
// subscriber that kept them held 64 KiB.
ssl_handle share(SSL* ssl) noexcept;

// What a call wants before it can go on.
enum class wait : std::uint8_t { none, readable, writable };

struct result {
    std::size_t bytes = 0;            // plaintext read or written
    wait wait_for = wait::none;       // nothing happened: retry when ready
    boost::system::error_code error;  // the connection is over
};

// Points the reads and writes of `ssl` (an Asio engine's, after its
// handshake) at the connection `fd`, which must be non-blocking and whose
// SIGPIPE must be ignored (OpenSSL's socket BIO uses write(2)). Fails when
// ciphertext the client sent after its request is still in Asio's BIO pair:
// RFC 6455 4.1 has the client wait for the 101 before sending anything, and
// those bytes cannot be put back in front of the socket's.
boost::system::error_code attach(SSL* ssl, int fd);

// SSL_read / SSL_write with OpenSSL's outcome as a result. A write that waits
// must be retried with the same bytes (they may move: Asio's engine sets
// SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER); with SSL_MODE_ENABLE_PARTIAL_WRITE,
// a write returns after each record.
result read(SSL* ssl, std::span<char> into);
result write(SSL* ssl, std::span<const char> bytes);

// Sends close_notify if the socket takes it now; never waits.
void send_close_notify(SSL* ssl) noexcept;

}  // namespace hookbot::fanout::tls_socket_io
