// accepting::accept_loop over real loopback sockets: connections handed on
// with TCP_NODELAY, none after stop(), and no spinning when accept fails for
// want of descriptors.
#include "hookbot/accepting/accept_loop.hpp"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "hookbot/posix/unique_fd.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using hookbot::accepting::accept_loop;

namespace {

struct accepted {
    int count = 0;
    int without_no_delay = 0;
};

std::shared_ptr<accept_loop> start_loop(asio::io_context& ioc, tcp::endpoint& bound,
                                        accepted& seen) {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    bound = acceptor.local_endpoint();
    auto loop =
        std::make_shared<accept_loop>(std::move(acceptor), "test", [&seen](tcp::socket socket) {
            tcp::no_delay option;
            socket.get_option(option);
            ++seen.count;
            if (!option.value()) ++seen.without_no_delay;
        });
    loop->start();
    return loop;
}

// Runs `ioc` until `done` or `limit` has passed; the handlers it ran.
template <typename Done>
std::size_t run_until(asio::io_context& ioc, Done done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t handlers = 0;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        handlers += ioc.run_one_for(std::chrono::milliseconds(10));
    }
    return handlers;
}

// The soft limit on open descriptors, lowered for a while and restored.
class descriptor_limit {
  public:
    explicit descriptor_limit(rlim_t soft) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        rlimit lowered = saved_;
        lowered.rlim_cur = soft;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    }
    descriptor_limit(const descriptor_limit&) = delete;
    descriptor_limit& operator=(const descriptor_limit&) = delete;
    ~descriptor_limit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

  private:
    rlimit saved_{};
};

int highest_open_descriptor() {
    int highest = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        highest = std::max(highest, std::stoi(entry.path().filename().string()));
    }
    return highest;
}

}  // namespace

TEST_CASE("every connection is handed on with TCP_NODELAY; none after stop()") {
    asio::io_context ioc;
    tcp::endpoint bound;
    accepted seen;
    const auto loop = start_loop(ioc, bound, seen);

    std::vector<tcp::socket> clients;
    for (int i = 0; i < 3; ++i) clients.emplace_back(ioc).connect(bound);
    run_until(
        ioc, [&] { return seen.count == 3; }, std::chrono::seconds(5));
    std::printf("accepted %d of 3 connections, %d without TCP_NODELAY\n", seen.count,
                seen.without_no_delay);
    CHECK(seen.count == 3);
    CHECK(seen.without_no_delay == 0);

    loop->stop();
    boost::system::error_code refused;
    tcp::socket(ioc).connect(bound, refused);
    CHECK(refused);  // the listening socket is closed
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(200));
    CHECK(seen.count == 3);
}

// Sanitizer runtimes need descriptors of their own (UBSan's vptr check opens
// a pipe on a cache miss and reports "invalid vptr" when it cannot), so the
// process cannot be starved of them there; the plain build runs this case.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool under_sanitizers = true;
#else
constexpr bool under_sanitizers = false;
#endif

TEST_CASE("out of descriptors, accepting waits 100 ms between tries, then goes on" *
          doctest::skip(under_sanitizers)) {
    asio::io_context ioc;
    tcp::endpoint bound;
    accepted seen;
    const auto loop = start_loop(ioc, bound, seen);
    tcp::socket client(ioc);
    client.connect(bound);  // waits in the backlog while no descriptor is free

    std::vector<hookbot::posix::unique_fd> fillers;
    {
        const descriptor_limit limit(static_cast<rlim_t>(highest_open_descriptor()) + 4);
        for (;;) {
            hookbot::posix::unique_fd filler(::dup(client.native_handle()));
            if (!filler) break;
            fillers.push_back(std::move(filler));
        }
        const auto window = std::chrono::milliseconds(500);
        const std::size_t handlers = run_until(
            ioc, [] { return false; }, window);
        std::printf("out of descriptors for %lld ms: %zu handlers ran, %d accepted\n",
                    static_cast<long long>(window.count()), handlers, seen.count);
        CHECK(seen.count == 0);
        // One failed accept and one timer per 100 ms; a loop that retried at
        // once would run thousands.
        CHECK(handlers >= 2);
        CHECK(handlers <= 20);
        fillers.clear();
    }
    const auto freed = std::chrono::steady_clock::now();
    run_until(
        ioc, [&] { return seen.count == 1; }, std::chrono::seconds(5));
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - freed);
    std::printf("accepted %d connection %lld ms after descriptors were freed\n", seen.count,
                static_cast<long long>(waited.count()));
    CHECK(seen.count == 1);
    loop->stop();
}
