#include "hookbot/handoff/channel.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

using namespace hookbot;
using namespace hookbot::handoff;

TEST_CASE("a message and its descriptor cross the channel") {
    auto [left, right] = channel::pair();
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    posix::unique_fd read_end(pipe_fds[0]);
    posix::unique_fd write_end(pipe_fds[1]);

    REQUIRE(left.send(subscriber{"t", false, "head", delivery_format::original, {}},
                      write_end.get()) == channel::send_result::sent);
    std::optional<channel::received> got;
    REQUIRE(right.receive(got) == channel::receive_status::ready);
    REQUIRE(got->attached.valid());
    CHECK(got->attached.get() != write_end.get());
    CHECK(std::get<subscriber>(got->body).topic == "t");

    // The received descriptor is the same pipe: what we write there arrives.
    REQUIRE(::write(got->attached.get(), "x", 1) == 1);
    char c = 0;
    REQUIRE(::read(read_end.get(), &c, 1) == 1);
    CHECK(c == 'x');
    CHECK((::fcntl(got->attached.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("receive reports would_block, then closed when the peer goes") {
    auto [left, right] = channel::pair();
    std::optional<channel::received> got;
    CHECK(right.receive(got) == channel::receive_status::would_block);
    { channel gone = std::move(left); }
    CHECK(right.receive(got) == channel::receive_status::closed);
    CHECK(right.send(hello{1, 2}) == channel::send_result::closed);
}

TEST_CASE("connect reaches a listening control socket") {
    const std::string path = "/tmp/hookbot-handoff-test-" + std::to_string(::getpid()) + ".sock";
    auto listener = listen_control_socket(path);
    auto client = channel::connect(path);
    posix::unique_fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(accepted.valid());
    channel server(std::move(accepted));
    REQUIRE(client.send(hello{3, 99}) == channel::send_result::sent);
    std::optional<channel::received> got;
    REQUIRE(server.receive(got) == channel::receive_status::ready);
    CHECK(std::get<hello>(got->body).slot == 3);
    CHECK_FALSE(got->attached.valid());
    ::unlink(path.c_str());
}

TEST_CASE("a path too long for sockaddr_un is refused with its reason") {
    CHECK_THROWS_AS(listen_control_socket(std::string(200, 'x')), std::invalid_argument);
}
