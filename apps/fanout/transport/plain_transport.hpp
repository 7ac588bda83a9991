#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "transport/subscriber_transport.hpp"

namespace hookbot::fanout {

// A handed-over connection: websocket frames straight on the TCP socket,
// which must be non-blocking.
class plain_transport final : public subscriber_transport {
  public:
    explicit plain_transport(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

    read_result read(std::span<char> into) override;
    [[nodiscard]] bool buffered() const noexcept override { return false; }
    // A short write means the kernel's buffer is full: it reports blocked.
    write_result write(std::span<const boost::asio::const_buffer> buffers) override;
    [[nodiscard]] bool holds_unsent() const noexcept override { return false; }
    // No more than the kernel would take at once anyway.
    [[nodiscard]] std::size_t write_size_hint() const noexcept override {
        return std::size_t{1} << 20;
    }
    void close(bool clean) noexcept override;
    [[nodiscard]] boost::asio::ip::tcp::socket& socket() noexcept override { return socket_; }

  private:
    boost::asio::ip::tcp::socket socket_;
};

}  // namespace hookbot::fanout
