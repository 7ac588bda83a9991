#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "load_options.hpp"
#include "load_stats.hpp"
#include "net.hpp"
#include "publisher.hpp"
#include "report.hpp"
#include "subscriber.hpp"
#include "tls_client.hpp"

namespace hookbot::bench {

// One load run: subscribers connect at a bounded rate until every one has its
// 101, publishers warm up, then publish for the measured phase, then the run
// waits for the last answers and deliveries and reports.
class load_run {
  public:
    explicit load_run(const load_options& options);
    // Returns the exit status: 0, or 1 when subscribers or publishers failed.
    int run();

  private:
    void prepare();
    [[nodiscard]] SSL_CTX* tls_context() const noexcept;
    void connect_subscribers();
    void connect_publishers();
    void publish();
    void hold_idle();
    void finish();
    void begin_measuring(std::uint64_t now);
    void end_measuring();
    void on_publisher_idle(publisher& p);
    bool may_send() const noexcept;
    void send_next(publisher& p);
    void send_due(std::uint64_t now);

    const load_options& options_;
    // --url, or each of a comma-separated list (one hookbot cluster: every
    // host delivers every message). Subscriber i and publisher j use server
    // i % N and j % N.
    std::vector<endpoint> servers_;
    std::optional<tls_client_context> tls_;  // with an https:// URL
    event_loop loop_;
    load_stats stats_;
    connect_progress progress_;
    load_report report_;
    std::vector<unsigned char> read_buffer_;

    std::size_t keys_ = 1;                         // topics, or prefixes
    std::vector<std::string> subscribe_requests_;  // per server and key: [server * keys_ + key]
    std::vector<std::string> publish_heads_;       // the same
    std::size_t max_publish_head_ = 0;
    std::vector<std::uint64_t> matching_;  // connected subscribers per key
    std::vector<std::unique_ptr<subscriber>> subscribers_;
    std::vector<std::unique_ptr<publisher>> publishers_;
    std::vector<publisher*> idle_;  // a stack; with several servers, taken from the front

    bool sending_ = false;
    bool measuring_ = false;
    std::uint64_t next_sequence_ = 0;
    std::uint64_t sent_ = 0;  // all publishes, warm-up included (for --rate)
    std::uint64_t measured_sent_ = 0;
    std::uint64_t phase_start_ns_ = 0;
    std::uint64_t measure_start_ns_ = 0;
    std::uint64_t cpu_start_ns_ = 0;
    std::uint64_t received_start_ = 0;
};

}  // namespace hookbot::bench
