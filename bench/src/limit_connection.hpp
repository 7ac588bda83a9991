#pragma once

#include <cstdint>
#include <hookbot/posix/unique_fd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "event_loop.hpp"
#include "frame_pool.hpp"

namespace hookbot::bench {

class limit_server;

// One accepted connection of `hookbot-bench limit`: an HTTP/1.1 keep-alive
// publisher until it asks for a websocket upgrade, then a subscriber. Writes
// are queued as (frame, offset) and flushed by the server when it comes to
// this connection, all of a socket's pending frames in one writev.
class limit_connection final : public io_handler {
  public:
    limit_connection(limit_server& server, posix::unique_fd fd);
    ~limit_connection() override;
    limit_connection(const limit_connection&) = delete;
    limit_connection& operator=(const limit_connection&) = delete;

    void on_io(std::uint32_t events) override;
    // Queues `frame` (referenced) or static bytes (frame null).
    void queue(shared_frame* frame, const unsigned char* data, std::size_t size);
    // Queues the answer to a publish.
    void queue_answer();
    // Writes what is pending; false when the connection broke.
    bool flush();
    [[nodiscard]] bool is_subscriber() const noexcept { return websocket_; }
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    [[nodiscard]] bool flushing() const noexcept { return flush_queued_; }
    void set_flush_queued(bool queued) noexcept { flush_queued_ = queued; }
    [[nodiscard]] const std::string& topic() const noexcept { return topic_; }

  private:
    struct pending_write {
        shared_frame* frame;
        const unsigned char* data;
        std::size_t size;
    };

    void read_requests();
    // Handles one request at the front of in_; returns bytes consumed, 0 if incomplete.
    std::size_t handle_request(std::string_view buffered);
    void upgrade(std::string_view target, std::string_view key);
    void drop_written(std::size_t written);
    void watch_writable(bool writable);

    limit_server& server_;
    posix::unique_fd fd_;
    bool websocket_ = false;
    bool flush_queued_ = false;
    bool watching_writable_ = false;
    std::string topic_;
    std::vector<char> in_;  // the start of a request that has not fully arrived
    std::vector<pending_write> pending_;
    std::size_t pending_offset_ = 0;  // bytes of pending_.front() already written
    std::size_t pending_bytes_ = 0;
    std::string handshake_response_;
};

}  // namespace hookbot::bench
