#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>

#include "control/control_link.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "resume/stream_fetcher.hpp"

namespace hookbot::fanout {

// stream_fetcher over the control link: each fetch a stream_fetch to the
// acceptor, its stream_messages (with the batch's memfd) matched by id. A
// fetch the link loses, or that takes longer than `patience` (the
// acceptor's own reads are bounded well below it), gets nothing read: its
// resume goes on from the bus, with the gap notice.
class stream_fetches final : public stream_fetcher {
  public:
    static constexpr std::chrono::seconds patience{10};

    stream_fetches(boost::asio::io_context& ioc, control_link& link);

    void fetch(handoff::stream_fetch request, done_handler done) override;
    // control_link::on_stream_messages
    void on_answer(const handoff::stream_messages& answer, posix::unique_fd batch);
    // The link went down: no fetch under way will be answered.
    void on_lost();

  private:
    using clock = std::chrono::steady_clock;
    struct pending {
        done_handler done;
        clock::time_point deadline;
    };

    void arm();
    void expire();

    boost::asio::io_context& ioc_;
    control_link& link_;
    // By id, which orders them by deadline too.
    std::map<std::uint64_t, pending> pending_;
    boost::asio::steady_timer deadline_;
    bool armed_ = false;
    std::uint64_t next_id_ = 1;
};

}  // namespace hookbot::fanout
