#include "load_run.hpp"

#include <algorithm>
#include <cmath>
#include <hookbot/auth/token.hpp>
#include <iostream>

#include "clock.hpp"

namespace hookbot::bench {
namespace {

constexpr std::string_view websocket_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455's sample

// "URL" or "URL,URL,...": every server must speak the same scheme.
std::vector<endpoint> parse_servers(std::string_view text) {
    std::vector<endpoint> servers;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view url = text.substr(0, comma);
        if (!url.empty()) servers.push_back(parse_endpoint(url));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    if (servers.empty()) throw std::invalid_argument("--url: no server");
    for (const endpoint& server : servers) {
        if (server.tls != servers.front().tls) {
            throw std::invalid_argument("--url: every server plain, or every server TLS");
        }
    }
    return servers;
}

std::uint64_t seconds_ns(double seconds) {
    return static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9);
}

double ns_seconds(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e9;
}

}  // namespace

load_run::load_run(const load_options& options)
    : options_(options), servers_(parse_servers(options.url)), read_buffer_(256 * 1024) {
    if (servers_.front().tls) tls_.emplace();
    report_.options = &options_;
    report_.stats = &stats_;
}

void load_run::prepare() {
    keys_ = options_.prefixes > 0 ? options_.prefixes : options_.topics;
    const auto authorization = [this](const std::string& path) {
        if (options_.key.empty()) return std::string{};
        return "Authorization: Bearer " + auth::make_token(options_.key, path) + "\r\n";
    };
    for (const endpoint& server : servers_) {
        for (std::size_t i = 0; i < keys_; ++i) {
            const std::string base = "/" + options_.topic_base + "/";
            const std::string sub = options_.prefixes > 0
                                        ? "/sub" + base + "p" + std::to_string(i) + "/"
                                        : "/sub" + base + std::to_string(i);
            const std::string pub = options_.prefixes > 0
                                        ? "/pub" + base + "p" + std::to_string(i) + "/a/b/c"
                                        : "/pub" + base + std::to_string(i);
            // The token is the path's; the query only says where to resume.
            const std::string target =
                options_.since.empty() ? sub : sub + "?since=" + options_.since;
            subscribe_requests_.push_back(
                "GET " + target + " HTTP/1.1\r\nHost: " + server.host_header +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
                std::string(websocket_key) + "\r\nSec-WebSocket-Version: 13\r\n" +
                authorization(sub) + "\r\n");
            publish_heads_.push_back("POST " + pub + " HTTP/1.1\r\nHost: " + server.host_header +
                                     "\r\n" + authorization(pub) +
                                     "Content-Type: application/octet-stream\r\nContent-Length: " +
                                     std::to_string(options_.size) + "\r\n\r\n");
            max_publish_head_ = std::max(max_publish_head_, publish_heads_.back().size());
        }
    }
    matching_.assign(keys_, 0);
    for (std::size_t i = 0; i < options_.subscribers; ++i) {
        const std::size_t server = i % servers_.size();
        subscribers_.push_back(std::make_unique<subscriber>(
            loop_, stats_, progress_, subscribe_requests_[server * keys_ + i % keys_], read_buffer_,
            options_.prefixes > 0));
        subscribers_.back()->expect(options_.expect);
    }
}

SSL_CTX* load_run::tls_context() const noexcept {
    return tls_ ? tls_->get() : nullptr;
}

void load_run::connect_subscribers() {
    const std::uint64_t start = now_ns();
    const std::uint64_t deadline = start + seconds_ns(options_.connect_timeout);
    std::size_t started = 0;
    const std::size_t total = subscribers_.size();
    while (progress_.connected + progress_.failed < total) {
        const std::uint64_t now = now_ns();
        if (now >= deadline) break;
        const double allowed = options_.connect_rate * ns_seconds(now - start) + 1;
        while (started < total && static_cast<double>(started) < allowed &&
               progress_.in_flight < options_.connect_window) {
            const sockaddr_in source = loopback_source(started, options_.source_addresses);
            subscribers_[started]->start(servers_[started % servers_.size()].address,
                                         options_.source_addresses > 1 ? &source : nullptr,
                                         tls_context());
            ++started;
        }
        loop_.run_once(1);
    }
    for (auto& s : subscribers_) {
        if (s->current() == subscriber::state::idle) {
            ++progress_.failed;
        } else {
            s->abandon();
        }
    }
    for (std::size_t i = 0; i < total; ++i) {
        if (subscribers_[i]->current() == subscriber::state::open) ++matching_[i % keys_];
    }
    report_.subscribers_connected = progress_.connected;
    report_.subscribers_failed = total - progress_.connected;
    report_.connect_seconds = ns_seconds(now_ns() - start);
    std::cerr << "hookbot-bench: " << progress_.connected << "/" << total
              << " subscribers connected" << (servers_.front().tls ? " (TLS)" : "")
              << (servers_.size() > 1 ? " to " + std::to_string(servers_.size()) + " servers" : "")
              << " in " << report_.connect_seconds << " s" << std::endl;
    if (!progress_.first_failure.empty()) {
        std::cerr << "hookbot-bench: first subscriber failure: " << progress_.first_failure
                  << std::endl;
    }
}

void load_run::connect_publishers() {
    for (std::size_t i = 0; i < options_.publishers; ++i) {
        const std::size_t server = i % servers_.size();
        publishers_.push_back(std::make_unique<publisher>(
            loop_, stats_, max_publish_head_, options_.size,
            [this](publisher& p) { on_publisher_idle(p); }, server));
        publishers_.back()->start(servers_[server].address, tls_context());
    }
    const std::uint64_t deadline = now_ns() + seconds_ns(10);
    const auto settled = [this] {
        return std::all_of(publishers_.begin(), publishers_.end(),
                           [](const auto& p) { return p->connected() || p->broken(); });
    };
    while (!settled() && now_ns() < deadline) loop_.run_once(10);
}

void load_run::on_publisher_idle(publisher& p) {
    if (p.broken()) return;
    if (sending_ && options_.rate <= 0 && may_send()) {
        send_next(p);
    } else {
        idle_.push_back(&p);
    }
}

bool load_run::may_send() const noexcept {
    return !(measuring_ && options_.messages > 0 && measured_sent_ >= options_.messages);
}

void load_run::send_next(publisher& p) {
    const std::size_t key = static_cast<std::size_t>(sent_ % keys_);
    ++sent_;
    if (measuring_) ++measured_sent_;
    p.publish(publish_heads_[p.server() * keys_ + key], next_sequence_++, matching_[key]);
}

void load_run::send_due(std::uint64_t now) {
    const auto due_total =
        options_.rate > 0
            ? static_cast<std::uint64_t>(options_.rate * ns_seconds(now - phase_start_ns_))
            : UINT64_MAX;
    while (sent_ < due_total && !idle_.empty() && may_send()) {
        // With several servers the publisher idle longest goes next, so that
        // a --rate below what one connection carries still reaches them all.
        publisher* p = nullptr;
        if (servers_.size() > 1) {
            p = idle_.front();
            idle_.erase(idle_.begin());
        } else {
            p = idle_.back();
            idle_.pop_back();
        }
        if (!p->broken()) send_next(*p);
    }
}

void load_run::begin_measuring(std::uint64_t now) {
    measuring_ = true;
    stats_.first_measured = next_sequence_;
    measure_start_ns_ = now;
    cpu_start_ns_ = process_cpu_ns();
    received_start_ = stats_.received;
    // bench/run samples the server's CPU time at these two lines.
    std::cerr << "hookbot-bench: measuring" << std::endl;
}

void load_run::end_measuring() {
    report_.wall_seconds = ns_seconds(now_ns() - measure_start_ns_);
    report_.cpu_seconds = ns_seconds(process_cpu_ns() - cpu_start_ns_);
    report_.received_in_phase = stats_.received - received_start_;
    std::cerr << "hookbot-bench: measured phase over" << std::endl;
}

void load_run::publish() {
    phase_start_ns_ = now_ns();
    const std::uint64_t warm_end = phase_start_ns_ + seconds_ns(options_.warmup);
    const std::uint64_t end = warm_end + seconds_ns(options_.duration);
    sending_ = true;
    while (true) {
        const std::uint64_t now = now_ns();
        if (!measuring_ && now >= warm_end) begin_measuring(now);
        if (measuring_ && (now >= end || !may_send())) break;
        send_due(now);
        const bool any_alive = std::any_of(publishers_.begin(), publishers_.end(),
                                           [](const auto& p) { return !p->broken(); });
        if (!any_alive) break;
        loop_.run_once(1);
    }
    if (!measuring_) begin_measuring(now_ns());
    sending_ = false;
    end_measuring();
}

void load_run::hold_idle() {
    std::cerr << "hookbot-bench: holding " << progress_.connected << " idle subscribers for "
              << options_.duration << " s" << std::endl;
    begin_measuring(now_ns());
    const std::uint64_t end = now_ns() + seconds_ns(options_.duration);
    while (now_ns() < end) loop_.run_once(50);
    end_measuring();
}

// Waits for the answers in flight, then for deliveries up to the expected count.
void load_run::finish() {
    const std::uint64_t answer_deadline = now_ns() + seconds_ns(options_.drain);
    const auto any_busy = [this] {
        return std::any_of(publishers_.begin(), publishers_.end(),
                           [](const auto& p) { return p->busy(); });
    };
    while (any_busy() && now_ns() < answer_deadline) loop_.run_once(10);
    const std::uint64_t drain_deadline = now_ns() + seconds_ns(options_.drain);
    while (stats_.delivered < stats_.expected && now_ns() < drain_deadline) loop_.run_once(10);

    report_.drained = stats_.delivered >= stats_.expected;
    report_.published = measured_sent_;
    if (stats_.last_answer_ns > measure_start_ns_) {
        report_.publish_seconds = ns_seconds(stats_.last_answer_ns - measure_start_ns_);
    }
    if (stats_.last_delivery_ns > measure_start_ns_) {
        report_.deliver_seconds = ns_seconds(stats_.last_delivery_ns - measure_start_ns_);
    }
}

int load_run::run() {
    const std::uint64_t files = raise_file_limit();
    if (files < options_.subscribers + options_.publishers + 64) {
        std::cerr << "hookbot-bench: warning: RLIMIT_NOFILE is " << files << ", too low for "
                  << options_.subscribers << " subscribers (try ulimit -n 65536 as root)\n";
    }
    prepare();
    connect_subscribers();
    connect_publishers();
    if (options_.publishers == 0) {
        hold_idle();
    } else {
        publish();
    }
    finish();
    if (options_.json) {
        print_json(std::cout, report_);
    } else {
        print_table(std::cout, report_);
    }
    const bool publishers_ok = std::all_of(publishers_.begin(), publishers_.end(),
                                           [](const auto& p) { return !p->broken(); });
    return report_.subscribers_failed == 0 && publishers_ok ? 0 : 1;
}

}  // namespace hookbot::bench
