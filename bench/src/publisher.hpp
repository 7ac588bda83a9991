#pragma once

#include "event_loop.hpp"
#include "load_stats.hpp"

#include <hookbot/posix/unique_fd.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <netinet/in.h>
#include <string_view>
#include <vector>

namespace hookbot::bench {

// One keep-alive HTTP/1.1 connection that POSTs with at most one request in
// flight. The request head is prepared per topic; the body is allocated once
// and only its stamp is rewritten per publish.
class publisher final : public io_handler {
public:
    // Told when a response arrived (or the connection broke) and the
    // publisher is idle again.
    using idle_callback = std::function<void(publisher&)>;

    publisher(event_loop& loop, load_stats& stats, std::size_t body_size, idle_callback on_idle);

    void start(const sockaddr_in& to);
    [[nodiscard]] bool connected() const noexcept { return connected_; }
    [[nodiscard]] bool broken() const noexcept { return !fd_; }
    [[nodiscard]] bool busy() const noexcept { return busy_; }

    // Sends one publish: `head` must stay valid until the answer arrives;
    // `matching` is how many subscribers the topic reaches.
    void publish(std::string_view head, std::uint64_t sequence, std::uint64_t matching);
    void on_io(std::uint32_t events) override;

private:
    void write_pending();
    void read_response();
    bool parse_response();
    void fail();

    event_loop& loop_;
    load_stats& stats_;
    idle_callback on_idle_;
    posix::unique_fd fd_;
    bool connected_ = false;
    bool busy_ = false;
    std::vector<unsigned char> body_;
    std::string_view head_;
    std::size_t written_ = 0;  // bytes of head + body sent
    std::uint64_t sequence_ = 0;
    std::uint64_t matching_ = 0;
    std::uint64_t sent_ns_ = 0;
    std::array<char, 4096> response_{};
    std::size_t response_size_ = 0;
};

}  // namespace hookbot::bench
