#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "client_stream.hpp"
#include "event_loop.hpp"
#include "load_stats.hpp"

namespace hookbot::bench {

// One keep-alive HTTP/1.1 connection (plain or TLS) that POSTs with at most
// one request in flight. Each request is one contiguous buffer, allocated
// once: the body sits at a fixed offset after room for the longest head, and
// a publish copies its topic's head in front of it and rewrites the stamp.
class publisher final : public io_handler {
  public:
    // Told when a response arrived (or the connection broke) and the
    // publisher is idle again.
    using idle_callback = std::function<void(publisher&)>;

    // `server`: which of the run's servers it talks to (see load_run).
    publisher(event_loop& loop, load_stats& stats, std::size_t max_head_size, std::size_t body_size,
              idle_callback on_idle, std::size_t server = 0);

    // `tls`, when set, makes this an https:// publisher; it must outlive it.
    void start(const sockaddr_in& to, SSL_CTX* tls);
    [[nodiscard]] bool connected() const noexcept { return state_ == state::ready; }
    [[nodiscard]] bool broken() const noexcept { return state_ == state::broken; }
    [[nodiscard]] bool busy() const noexcept { return busy_; }
    [[nodiscard]] std::size_t server() const noexcept { return server_; }

    // Sends one publish: `head` is at most `max_head_size` bytes; `matching`
    // is how many subscribers the topic reaches.
    void publish(std::string_view head, std::uint64_t sequence, std::uint64_t matching);
    void on_io(std::uint32_t events) override;

  private:
    // handshake: TLS; a plain stream passes through it at once.
    enum class state { idle, connecting, handshake, ready, broken };

    void on_connected();
    void continue_handshake();
    void write_pending();
    void read_response();
    bool parse_response();
    void watch(std::uint32_t events);
    void fail();

    event_loop& loop_;
    load_stats& stats_;
    idle_callback on_idle_;
    std::size_t server_;
    client_stream stream_;
    state state_ = state::idle;
    std::uint32_t interest_ = 0;  // epoll events registered for the socket
    bool busy_ = false;
    std::size_t max_head_size_;
    std::vector<unsigned char> request_;  // [room for a head][body]
    std::span<const unsigned char> out_;  // the current request within it
    std::size_t written_ = 0;
    std::uint64_t sequence_ = 0;
    std::uint64_t matching_ = 0;
    std::uint64_t sent_ns_ = 0;
    std::array<char, 4096> response_{};
    std::size_t response_size_ = 0;
};

}  // namespace hookbot::bench
