// The hookbot-fanout binary against a stand-in acceptor: this test owns the
// bus and the control socket, as the supervisor and the acceptor would.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "hookbot/handoff/channel.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/doorbell.hpp"
#include "loopback.hpp"

extern char** environ;

namespace {

using namespace hookbot;
using namespace hookbot::fanout::testing;
namespace shm = hookbot::shm_ring;
using namespace std::chrono_literals;

// Waits for the next message on `link`, up to `timeout`.
std::optional<handoff::channel::received> receive(handoff::channel& link,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::optional<handoff::channel::received> in;
        const auto status = link.receive(in);
        if (status == handoff::channel::receive_status::ready) return in;
        if (status == handoff::channel::receive_status::closed) return std::nullopt;
        pollfd p{link.fd(), POLLIN, 0};
        ::poll(&p, 1, 50);
    }
    return std::nullopt;
}

handoff::channel accept_worker(int listener, std::chrono::milliseconds timeout) {
    pollfd p{listener, POLLIN, 0};
    REQUIRE(::poll(&p, 1, static_cast<int>(timeout.count())) == 1);
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    REQUIRE(fd >= 0);
    return handoff::channel(posix::unique_fd(fd));
}

struct worker_process {
    pid_t pid = -1;
    worker_process(const std::string& instance, const std::string& control) {
        std::vector<std::string> args{
            HOOKBOT_FANOUT_BINARY, "--instance", instance, "--control", control, "--slot", "1"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    }
    int stop() {
        ::kill(pid, SIGTERM);
        return wait();
    }
    int wait() {
        int status = 0;
        ::waitpid(std::exchange(pid, -1), &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ~worker_process() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    worker_process(const worker_process&) = delete;
    worker_process& operator=(const worker_process&) = delete;
};

}  // namespace

TEST_CASE(
    "the worker says hello, serves a handed subscriber, survives the acceptor, stops on SIGTERM") {
    const std::string instance = "fanout-proc-" + std::to_string(::getpid());
    const std::string control = "/tmp/" + instance + ".sock";
    shm::bus_options options;
    options.ring_bytes = 1u << 20;
    options.max_body_bytes = 1u << 16;
    auto bus = shm::bus::create(instance, options);
    shm::bus_writer writer(bus);
    posix::unique_fd listener = handoff::listen_control_socket(control);

    worker_process worker(instance, control);
    auto link = accept_worker(listener.get(), 5s);
    auto hello = receive(link, 5s);
    REQUIRE(hello.has_value());
    REQUIRE(std::holds_alternative<handoff::hello>(hello->body));
    CHECK(std::get<handoff::hello>(hello->body).slot == 1);
    CHECK(std::get<handoff::hello>(hello->body).pid == worker.pid);
    REQUIRE(hello->attached.valid());
    CHECK(bus.slot(1).pid.load() == worker.pid);

    // The acceptor "restarts": the worker connects and says hello again.
    { auto gone = std::move(link); }
    link = accept_worker(listener.get(), 5s);
    hello = receive(link, 5s);
    REQUIRE(hello.has_value());
    REQUIRE(hello->attached.valid());
    const posix::unique_fd doorbell = std::move(hello->attached);

    // Hand over one subscriber, as the acceptor does after authorising it.
    boost::asio::io_context ioc;
    tcp::acceptor tcp_listener(ioc, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    std::vector<std::string> got;
    websocket::close_code code = websocket::close_code::none;
    loopback_client client(tcp_listener.local_endpoint(), "/sub/news/",
                           [&](client_stream& ws, const websocket::response_type&) {
                               for (;;) {
                                   beast::flat_buffer buffer;
                                   beast::error_code ec;
                                   ws.read(buffer, ec);
                                   if (ec) break;
                                   got.push_back(beast::buffers_to_string(buffer.data()));
                               }
                               code = static_cast<websocket::close_code>(ws.reason().code);
                           });
    {
        tcp::socket socket = tcp_listener.accept();
        std::string head;
        head.resize(boost::asio::read_until(socket, boost::asio::dynamic_buffer(head), "\r\n\r\n"));
        REQUIRE(
            link.send(
                handoff::subscriber{"news/", true, head, handoff::delivery_format::original, {}},
                socket.native_handle()) == handoff::channel::send_result::sent);
    }  // our copy of the connection closes; the worker's stays

    // Published after the handoff was answered: the worker must deliver it.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (bus.slot(1).subscribers.load() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    REQUIRE(bus.slot(1).subscribers.load() == 1);
    REQUIRE(writer.append("news/today", "hello").has_value());
    shm::ring_if_sleeping(bus.slot(1), doorbell.get());
    while (bus.slot(1).delivered.load() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    std::this_thread::sleep_for(100ms);  // let the frame reach the client

    // SIGTERM drains: the worker asks for no more subscribers and, once the
    // acceptor acknowledges, closes its own with 1001.
    ::kill(worker.pid, SIGTERM);
    const auto drain = receive(link, 5s);
    REQUIRE(drain.has_value());
    CHECK(std::holds_alternative<handoff::draining>(drain->body));
    REQUIRE(link.send(handoff::draining_acknowledged{}) == handoff::channel::send_result::sent);
    CHECK(worker.wait() == 0);
    client.finish();
    CHECK(got == std::vector<std::string>{std::string("news/today\0hello", 16)});
    CHECK(code == websocket::close_code::going_away);
    CHECK(bus.slot(1).pid.load() == 0);
    shm::bus::remove(instance);
    ::unlink(control.c_str());
}
