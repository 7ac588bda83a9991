// Built-in TLS in the worker: its command line, and what it answers itself
// when a request cannot reach the acceptor.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/control_link.hpp"
#include "options.hpp"
#include "tls_front/request_forwarder.hpp"
#include "worker_command_line.hpp"

namespace {

using namespace hookbot;
using namespace hookbot::fanout;

using test::worker_command_line;

}  // namespace

TEST_CASE("--listen-fd, --tls-cert and --tls-key come together") {
    const command_line plain = worker_command_line({});
    REQUIRE(plain.result == command_line::outcome::run);
    CHECK_FALSE(plain.options.listen_fd);

    const command_line tls =
        worker_command_line({"--listen-fd", "3", "--tls-cert", "/c.pem", "--tls-key", "/k.pem"});
    REQUIRE(tls.result == command_line::outcome::run);
    CHECK(tls.options.listen_fd == 3);
    CHECK(tls.options.tls_cert == "/c.pem");
    CHECK(tls.options.tls_key == "/k.pem");

    CHECK(worker_command_line({"--listen-fd", "3"}).result == command_line::outcome::error);
    CHECK(worker_command_line({"--tls-cert", "/c.pem", "--tls-key", "/k.pem"}).result ==
          command_line::outcome::error);
    CHECK(worker_command_line({"--listen-fd", "3", "--tls-cert", "/c.pem"}).result ==
          command_line::outcome::error);
}

TEST_CASE("a request forwarded while the control link is down gets 503, later, once") {
    boost::asio::io_context ioc;
    control_link link(ioc, "/nonexistent/control.sock", handoff::hello{0, 1}, -1,
                      [](handoff::subscriber, posix::unique_fd) {});
    request_forwarder forwarder(ioc, link, 8);
    std::vector<handoff::message> answers;
    handoff::forwarded_request request;
    request.head = "POST /pub/t HTTP/1.1\r\n\r\n";
    request.body = std::string(100 * 1024, 'x');
    forwarder.forward(request, [&](handoff::message m) { answers.push_back(std::move(m)); });
    CHECK(answers.empty());  // never from inside forward()
    ioc.run();
    REQUIRE(answers.size() == 1);
    const auto& response = std::get<handoff::forwarded_response>(answers[0]);
    CHECK(response.close);
    CHECK(response.bytes.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    CHECK(response.bytes.find("\r\nRetry-After: 1\r\n") != std::string::npos);
    CHECK(response.bytes.ends_with("\r\n\r\nService Unavailable\n"));
    CHECK(forwarder.in_flight() == 0);
}

TEST_CASE("an answer for no request in flight is ignored") {
    boost::asio::io_context ioc;
    control_link link(ioc, "/nonexistent/control.sock", handoff::hello{0, 1}, -1,
                      [](handoff::subscriber, posix::unique_fd) {});
    request_forwarder forwarder(ioc, link, 8);
    forwarder.on_answer(handoff::forwarded_response{77, false, "HTTP/1.1 200 OK\r\n\r\n"});
    CHECK(forwarder.in_flight() == 0);
}
