// shm_ring_stress: one writer process, several reader processes (reader 0
// naps so the writer laps it), millions of records. Exits non-zero on any
// torn, reordered or silently lost record, or if the slow reader was never
// lapped. Figures go to stdout.
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <vector>

#include "child.hpp"
#include "hookbot/posix/error.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "payload.hpp"
#include "stress_config.hpp"
#include "stress_reader.hpp"
#include "stress_writer.hpp"

namespace hookbot::shm_ring::stress {
namespace {

class bus_removal {
  public:
    explicit bus_removal(std::string instance) : instance_(std::move(instance)) {}
    bus_removal(const bus_removal&) = delete;
    bus_removal& operator=(const bus_removal&) = delete;
    ~bus_removal() { bus::remove(instance_); }

  private:
    std::string instance_;
};

bus create_bus(const stress_config& config) {
    bus_options options;
    options.shards = config.shards;
    options.ring_bytes = config.ring_bytes;
    options.max_body_bytes = body_header_bytes + max_payload_bytes;
    options.max_inline_body_bytes = body_header_bytes + max_payload_bytes;
    options.worker_slots = config.readers;
    return bus::create(config.instance, options);
}

// The figures each reader left in its worker slot, checked.
int judge(const stress_config& config, const bus& target, double seconds) {
    int failures = 0;
    const std::uint64_t written = config.records + 1;  // + end marker
    for (std::uint32_t i = 0; i < config.readers; ++i) {
        const worker_slot& slot = target.slot(i);
        const double share = static_cast<double>(slot.delivered) / static_cast<double>(written);
        std::printf("  reader %u: %llu accepted (%.1f%%), %llu lapped\n", i,
                    static_cast<unsigned long long>(slot.delivered.load()), share * 100,
                    static_cast<unsigned long long>(slot.lapped.load()));
        if (i == 0 && slot.lapped == 0) {
            std::fprintf(stderr,
                         "FAIL: the slow reader was never lapped; the test proved nothing\n");
            ++failures;
        }
        if (i != 0 && share < 0.5) {
            std::fprintf(stderr, "FAIL: fast reader %u accepted only %.1f%% of the records\n", i,
                         share * 100);
            ++failures;
        }
    }
    std::printf("shm_ring_stress: %llu records, %u shards x %llu bytes, %u readers, %.2f s: %s\n",
                static_cast<unsigned long long>(config.records), config.shards,
                static_cast<unsigned long long>(config.ring_bytes), config.readers, seconds,
                failures == 0 ? "OK" : "FAILED");
    return failures == 0 ? 0 : 1;
}

int run(const stress_config& config) {
    bus target = create_bus(config);
    bus_removal removal(config.instance);
    const payload_pool pool(config.seed);
    int sockets[2];
    posix::check(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sockets),
                 "socketpair for doorbells");
    const posix::unique_fd parent_end(sockets[0]);
    const posix::unique_fd child_end(sockets[1]);

    const auto start = std::chrono::steady_clock::now();
    std::vector<child> children;
    children.reserve(config.readers + 1);
    for (std::uint32_t i = 0; i < config.readers; ++i)
        children.emplace_back([&, i] { return run_reader(config, pool, i, child_end.get()); });
    std::vector<posix::unique_fd> bells(config.readers);
    for (std::uint32_t i = 0; i < config.readers; ++i) {
        std::uint32_t slot = 0;
        posix::unique_fd fd = receive_fd(parent_end.get(), slot);
        if (slot >= config.readers)
            throw std::runtime_error("doorbell from an unknown reader slot");
        bells[slot] = std::move(fd);
    }
    std::vector<int> bell_fds;
    bell_fds.reserve(bells.size());
    for (const auto& bell : bells) bell_fds.push_back(bell.get());
    children.emplace_back([&] { return run_writer(config, pool, bell_fds); });

    const auto deadline = start + std::chrono::seconds(config.timeout_s);
    int failures = 0;
    for (auto& process : children) {
        const auto status = process.wait_until(deadline);
        if (!status) {
            std::fprintf(stderr, "FAIL: child %d still running after %u s\n", process.pid(),
                         config.timeout_s);
            ++failures;
        } else if (*status != 0) {
            std::fprintf(stderr, "FAIL: child %d exited with status %d\n", process.pid(), *status);
            ++failures;
        }
    }
    if (failures != 0) return 1;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return judge(config, target, seconds);
}

}  // namespace
}  // namespace hookbot::shm_ring::stress

int main(int argc, char** argv) {
    try {
        return hookbot::shm_ring::stress::run(hookbot::shm_ring::stress::parse_config(argc, argv));
    } catch (const std::exception& error) {
        std::fprintf(stderr, "shm_ring_stress: %s\n", error.what());
        return 2;
    }
}
