#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "transport/subscriber_transport.hpp"
#include "transport/tls_socket_io.hpp"

namespace hookbot::fanout {

// A TLS connection a worker accepted itself (built-in TLS).
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// A TLS connection after its 101: OpenSSL reads and writes the non-blocking
// socket itself (tls_socket_io), without Asio's stream and its buffers.
//
// Writes: small frames are copied into one buffer of 16 KiB shared by the
// worker's subscribers (one record, one syscall for many); a large frame is
// written as it is, a record at a time. A write the socket does not take
// keeps a copy of its bytes (at most one record): OpenSSL wants them offered
// again, and they may lie in the shared buffer or in a frame the subscriber
// lets go of.
class tls_transport final : public subscriber_transport {
  public:
    // One TLS record's worth of plaintext.
    static constexpr std::size_t max_record = std::size_t{16} << 10;

    // Takes the socket and the SSL from `stream`, whose handshake and 101
    // are done, and points OpenSSL at the socket. Null, with `ec` set, when
    // the connection cannot go on (it sent before the 101: RFC 6455 4.1).
    static std::unique_ptr<tls_transport> take_over(tls_stream& stream,
                                                    boost::system::error_code& ec);

    tls_transport(boost::asio::ip::tcp::socket socket, tls_socket_io::ssl_handle ssl)
        : socket_(std::move(socket)), ssl_(std::move(ssl)) {}

    read_result read(std::span<char> into) override;
    [[nodiscard]] bool buffered() const noexcept override;
    write_result write(std::span<const boost::asio::const_buffer> buffers) override;
    [[nodiscard]] bool holds_unsent() const noexcept override { return !unsent_.empty(); }
    [[nodiscard]] std::size_t write_size_hint() const noexcept override { return max_record; }
    void close(bool clean) noexcept override;
    [[nodiscard]] boost::asio::ip::tcp::socket& socket() noexcept override { return socket_; }

  private:
    // Offers unsent_ again; `some` once it is sent.
    write_result write_unsent();

    boost::asio::ip::tcp::socket socket_;
    tls_socket_io::ssl_handle ssl_;
    std::string unsent_;  // a record OpenSSL may hold part of
};

}  // namespace hookbot::fanout
