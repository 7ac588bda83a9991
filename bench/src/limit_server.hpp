#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <hookbot/posix/unique_fd.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event_loop.hpp"
#include "frame_pool.hpp"
#include "limit_connection.hpp"

namespace hookbot::bench {

// `hookbot-bench limit`: the least a hookbot-shaped server has to do, in one
// thread. No tokens, no bus, no processes: a publish builds its frame once
// and queues it to every subscriber of the topic (and of each prefix of it).
//
// It pipelines as hookbot does, or it would be no ceiling: a publish is
// answered at once (within the window below), and subscribers are flushed a
// slice at a time with a poll of the sockets between slices, so a publisher
// runs ahead of the writes and a subscriber's frames go out many per writev.
// Like hookbot's --publish-window, an answer is held while `window` messages
// are still to be written to some subscriber, so memory stays bounded and
// nothing is dropped under a fast publisher.
class limit_server final : public io_handler {
  public:
    explicit limit_server(posix::unique_fd listener);
    [[noreturn]] void run();

    void on_io(std::uint32_t events) override;  // the listening socket
    event_loop& loop() noexcept { return loop_; }

    void subscribe(limit_connection& connection);
    void publish(std::string_view topic, std::span<const unsigned char> body);
    // Answers a publish of `publisher` with 200, now or once the window allows.
    void answer(limit_connection& publisher);
    void needs_flush(limit_connection& connection);
    void close(limit_connection& connection);
    void release(shared_frame* frame) { pool_.release(frame); }
    std::span<char> scratch() noexcept { return scratch_; }
    // Most bytes a subscriber may have queued before it is dropped.
    static constexpr std::size_t max_pending_bytes = 64U << 20;
    // Messages that may wait for a subscriber before answers are held
    // (hookbot's --publish-window default).
    static constexpr std::size_t window = 64;
    // How long subscribers are flushed before the sockets are polled again
    // (hookbot's flush queue slice). Shorter serves the publisher sooner and
    // so batches more: in the fanout preset this limit delivered 2.6-2.9M
    // msgs/s with 250 us, 2.9-3.2M with 20 us; 5 and 1 us were no better
    // than 20 (2.8-3.4M, the machine's spread).
    static constexpr std::chrono::microseconds flush_slice{20};
    // How long an answer is held at most (hookbot's --max-publish-wait).
    static constexpr std::chrono::seconds max_hold{1};

  private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    using topic_map = std::unordered_map<std::string, std::vector<limit_connection*>, string_hash,
                                         std::equal_to<>>;

    void fan_out(const std::vector<limit_connection*>& subscribers, std::string_view prefix,
                 std::span<const unsigned char> body);
    // Writes the answers, then subscribers for up to flush_slice; true when
    // some subscriber is still to be flushed.
    bool flush();
    void flush_answers();
    void flush_connection(limit_connection* connection);
    void release_held_answers();

    event_loop loop_;
    posix::unique_fd listener_;
    topic_map exact_;
    topic_map prefixes_;
    frame_pool pool_;
    std::unordered_map<limit_connection*, std::unique_ptr<limit_connection>> connections_;
    std::vector<limit_connection*> publishers_to_flush_;
    // Subscribers to flush: flushing_ from next_flush_ on, then what was
    // queued meanwhile in to_flush_.
    std::vector<limit_connection*> flushing_;
    std::size_t next_flush_ = 0;
    std::vector<limit_connection*> to_flush_;
    struct held_answer {
        limit_connection* publisher;
        std::chrono::steady_clock::time_point since;
    };
    std::deque<held_answer> held_answers_;           // one entry per answer, in order
    std::vector<limit_connection*> prefix_matches_;  // reused per publish
    std::vector<char> scratch_ = std::vector<char>(64 * 1024);
    std::vector<std::unique_ptr<limit_connection>> closed_;
};

// `hookbot-bench limit [--bind HOST:PORT] [--pin CPUS]`.
int run_limit(int argc, char** argv);

}  // namespace hookbot::bench
