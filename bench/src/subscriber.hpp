#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "client_stream.hpp"
#include "event_loop.hpp"
#include "load_stats.hpp"

namespace hookbot::bench {

// Counts the run keeps of subscribers on their way to a 101.
struct connect_progress {
    std::size_t in_flight = 0;
    std::size_t connected = 0;
    std::size_t failed = 0;
    std::string first_failure;  // why the first one failed, for the log
};

// One websocket client, over plain TCP or TLS. It sends a prepared upgrade
// request with a fixed key, then parses server frames incrementally as bytes
// arrive: only the first bytes of each message (topic and stamp) are kept,
// in a fixed array, so a subscriber costs a few hundred bytes (plus
// OpenSSL's buffers with TLS) and no allocation per message.
class subscriber final : public io_handler {
  public:
    enum class state { idle, connecting, tls_handshake, handshake, open, failed, closed };

    // `request` (the upgrade request) and `read_buffer` (shared by all
    // subscribers of one loop) must outlive the subscriber.
    subscriber(event_loop& loop, load_stats& stats, connect_progress& progress,
               std::string_view request, std::span<unsigned char> read_buffer, bool recursive);

    // `tls`, when set, makes this a wss:// subscriber; it must outlive it.
    void start(const sockaddr_in& to, const sockaddr_in* source, SSL_CTX* tls);
    [[nodiscard]] state current() const noexcept { return state_; }
    void on_io(std::uint32_t events) override;
    // Gives up on a subscriber still waiting for its 101.
    void abandon();
    // Records in stats.completion the time from the 101 to the Nth message.
    void expect(std::uint64_t messages) noexcept { expect_ = messages; }

  private:
    void on_connected();
    void continue_tls_handshake();
    void send_request();
    void read_handshake();
    void read_frames();
    // Before the 101: waits for what the last call asked for, or fails.
    void wait_for(const io_result& result);
    void watch(std::uint32_t events);
    [[nodiscard]] std::uint32_t open_interest() const noexcept;
    void consume(const unsigned char* data, std::size_t size);
    bool header_complete();
    void finish_frame();
    void deliver();
    void queue_pong();
    void flush_pong();
    void fail(std::string_view why);
    void close_connection();

    event_loop& loop_;
    load_stats& stats_;
    connect_progress& progress_;
    std::string_view request_;
    std::span<unsigned char> read_buffer_;
    client_stream stream_;
    state state_ = state::idle;
    std::uint32_t interest_ = 0;  // epoll events registered for the socket
    bool recursive_;
    std::uint64_t expect_ = 0;
    std::uint64_t messages_ = 0;
    std::uint64_t opened_ns_ = 0;  // when its 101 came
    std::size_t request_sent_ = 0;

    // Frame parser state.
    std::array<unsigned char, 14> header_{};
    std::uint8_t header_size_ = 0;
    bool in_payload_ = false;
    bool fin_ = false;
    bool masked_ = false;
    std::uint8_t opcode_ = 0;
    std::uint64_t payload_left_ = 0;
    std::uint64_t frame_offset_ = 0;  // payload bytes of this frame seen so far
    std::array<unsigned char, 4> mask_{};

    // The head of the current message (topic NUL stamp, or stamp), and the
    // payload of the current control frame (at most 125 bytes by RFC 6455).
    static constexpr std::size_t kept_bytes = 176;
    std::array<unsigned char, kept_bytes> message_head_{};
    std::uint16_t message_head_size_ = 0;
    std::array<unsigned char, 125> control_{};
    std::uint8_t control_size_ = 0;

    // A pong waiting for the socket. TLS must retry a write with the same
    // bytes, so a ping that arrives meanwhile gets no second pong.
    std::array<unsigned char, 6 + 125> pong_{};
    std::uint8_t pong_size_ = 0;
    std::uint8_t pong_sent_ = 0;

    // The 101 response head while it arrives.
    std::array<char, 512> response_{};
    std::size_t response_size_ = 0;
};

}  // namespace hookbot::bench
