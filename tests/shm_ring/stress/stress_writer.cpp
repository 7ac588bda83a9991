#include "stress_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/doorbell.hpp"

namespace hookbot::shm_ring::stress {
namespace {

// Mostly small bodies, some medium, a few large.
std::uint32_t payload_length(random_source& random) {
    const std::uint64_t pick = random.next() % 1000;
    if (pick < 950) return static_cast<std::uint32_t>(random.next() % 4073);  // body 24..4096
    if (pick < 995) return static_cast<std::uint32_t>(4096 + random.next() % 12288);
    return static_cast<std::uint32_t>(16384 + random.next() % (max_payload_bytes - 16384));
}

// Keeps the writer within half the rings' worth of records of every fast
// reader (slot >= 1), the way an acceptor is bounded by its network: a fast
// reader is then lapped only if it stalls itself, whatever else loads the
// machine. The slow reader (slot 0) is never waited for. A reader that makes
// no progress for 200 ms is given up on for that round.
class fast_reader_pacing {
  public:
    fast_reader_pacing(const stress_config& config, const bus& target)
        : config_(config), target_(target) {}

    void pace(std::uint64_t seq, std::uint64_t bytes) {
        if (!config_.pace_fast || seq % 64 != 0) return;
        const std::uint64_t average = bytes / seq + 64;
        const std::uint64_t limit = config_.shards * config_.ring_bytes / 2 / average;
        for (std::uint32_t i = 1; i < config_.readers; ++i) {
            const worker_slot& slot = target_.slot(i);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
            while (seq - std::min(seq, slot.delivered.load() + slot.lapped.load()) > limit &&
                   std::chrono::steady_clock::now() < deadline) {
                ++waits_;
                std::this_thread::sleep_for(std::chrono::microseconds(50));
            }
        }
    }
    [[nodiscard]] std::uint64_t waits() const noexcept { return waits_; }

  private:
    const stress_config& config_;
    const bus& target_;
    std::uint64_t waits_ = 0;
};

}  // namespace

int run_writer(const stress_config& config, const payload_pool& pool,
               const std::vector<int>& doorbells) {
    bus target = bus::open(config.instance, bus::access::writer);
    bus_writer writer(target);
    random_source random{config.seed};
    std::vector<std::string> topics;
    topics.reserve(64);
    for (int i = 0; i < 64; ++i) topics.push_back("stress/" + std::to_string(i));

    auto ring_all = [&] {
        for (std::uint32_t i = 0; i < doorbells.size(); ++i)
            ring_if_sleeping(target.slot(i), doorbells[i]);
    };
    fast_reader_pacing pacing(config, target);
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t bytes = 0;
    std::string body;
    for (std::uint64_t seq = 1; seq <= config.records; ++seq) {
        const std::string& topic = topics[random.next() % topics.size()];
        const std::uint32_t length = payload_length(random);
        const auto offset = static_cast<std::uint32_t>(random.next() % (pool.size() - length));
        make_body(pool, topic, {seq, offset, length}, body);
        const auto appended = writer.append(topic, body);
        if (!appended || appended->bus_seq != seq) {
            std::fprintf(stderr, "writer: append of record %llu failed or got another bus_seq\n",
                         static_cast<unsigned long long>(seq));
            return 1;
        }
        bytes += body.size();
        ring_all();
        pacing.pace(seq, bytes);
    }
    std::string end(sizeof config.records, '\0');
    std::memcpy(end.data(), &config.records, sizeof config.records);
    writer.append(end_topic, end);
    ring_all();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "writer: %llu records, %.1f MiB of bodies in %.2f s (%.0f records/s), %llu pacing waits\n",
        static_cast<unsigned long long>(config.records), static_cast<double>(bytes) / (1 << 20),
        seconds, static_cast<double>(config.records) / seconds,
        static_cast<unsigned long long>(pacing.waits()));
    return 0;
}

}  // namespace hookbot::shm_ring::stress
