#pragma once

#include "event_loop.hpp"
#include "frame_pool.hpp"
#include "limit_connection.hpp"

#include <hookbot/posix/unique_fd.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hookbot::bench {

// `hookbot-bench limit`: the least a hookbot-shaped server has to do, in one
// thread. No tokens, no bus, no processes: a publish builds its frame once
// and queues it to every subscriber of the topic (and of each prefix of it).
class limit_server final : public io_handler {
public:
    explicit limit_server(posix::unique_fd listener);
    [[noreturn]] void run();

    void on_io(std::uint32_t events) override;  // the listening socket
    event_loop& loop() noexcept { return loop_; }

    void subscribe(limit_connection& connection);
    void publish(std::string_view topic, std::span<const unsigned char> body);
    void needs_flush(limit_connection& connection);
    void close(limit_connection& connection);
    void release(shared_frame* frame) { pool_.release(frame); }
    std::span<char> scratch() noexcept { return scratch_; }
    // Most bytes a subscriber may have queued before it is dropped.
    static constexpr std::size_t max_pending_bytes = 64U << 20;

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
    void flush_all();

    event_loop loop_;
    posix::unique_fd listener_;
    topic_map exact_;
    topic_map prefixes_;
    frame_pool pool_;
    std::unordered_map<limit_connection*, std::unique_ptr<limit_connection>> connections_;
    std::vector<limit_connection*> to_flush_;
    std::vector<limit_connection*> prefix_matches_;  // reused per publish
    std::vector<char> scratch_ = std::vector<char>(64 * 1024);
    std::vector<std::unique_ptr<limit_connection>> closed_;
};

// `hookbot-bench limit [--bind HOST:PORT] [--pin CPUS]`.
int run_limit(int argc, char** argv);

}  // namespace hookbot::bench
