// The acceptor's pieces wired as main.cpp wires them, on a real loopback
// socket, a real bus and a real control socket with a fake fanout worker:
// the HTTP behaviour of http_session end to end, inside one test process.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>

#include "hookbot/auth/token.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "publish/publish_handler.hpp"
#include "sessions/listener.hpp"
#include "sessions/shared_state.hpp"
#include "workers/worker_pool.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::uint64_t max_body = 64 * 1024;

std::string unique_name() {
    return "acceptor-test-" + std::to_string(::getpid());
}

shm_ring::bus create_bus(const std::string& instance) {
    shm_ring::bus_options options;
    options.shards = 2;
    options.ring_bytes = 1u << 20;
    options.max_body_bytes = max_body;
    options.worker_slots = 4;
    return shm_ring::bus::create(instance, options);
}

// Waits until `fd` is readable; false after `ms`.
bool readable(int fd, int ms = 2000) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
}

struct server {
    std::string instance = unique_name();
    std::string control_path = "/tmp/" + unique_name() + ".sock";
    shm_ring::bus created = create_bus(instance);
    shm_ring::bus bus = shm_ring::bus::open(instance, shm_ring::bus::access::writer);
    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
    unsigned short port = acceptor.local_endpoint().port();
    worker_pool workers{ioc, bus, handoff::listen_control_socket(control_path), 8};
    publish_handler publisher{bus, workers};
    metrics_endpoint metrics{bus, metrics_access::loopback};
    std::shared_ptr<shared_state> state;
    std::thread loop;

    server() {
        session_limits limits;
        limits.max_body_bytes = max_body;
        limits.header_timeout = std::chrono::seconds(5);
        state = std::make_shared<shared_state>(shared_state{
            limits, auth::verifier({"foo"}), publisher, workers, {}, {}, metrics, bus.acceptor()});
        listener(std::move(acceptor), state).run();
        workers.start();
        loop = std::thread([this] { ioc.run(); });
    }
    ~server() {
        ioc.stop();
        loop.join();
        state->requests.forget();
        ::unlink(control_path.c_str());
        shm_ring::bus::remove(instance);
    }
    server(const server&) = delete;
    server& operator=(const server&) = delete;
};

struct client {
    net::io_context ioc;
    tcp::socket socket{ioc};
    boost::beast::flat_buffer buffer;

    explicit client(unsigned short port) {
        socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }
    void send_raw(std::string_view bytes) { net::write(socket, net::buffer(bytes)); }
    http::response<http::string_body> read() {
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        return res;
    }
    http::response<http::string_body> request(http::verb method, std::string_view target,
                                              std::string body = {},
                                              std::string_view token_path = {}) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!token_path.empty()) {
            req.set(http::field::authorization, "Bearer " + auth::make_token("foo", token_path));
        }
        req.body() = std::move(body);
        req.prepare_payload();
        http::write(socket, req);
        return read();
    }
    // True when the server closed the connection (EOF after what was read).
    bool closed_by_server() {
        boost::system::error_code ec;
        char byte = 0;
        socket.read_some(net::buffer(&byte, 1), ec);
        return ec == net::error::eof;
    }
};

const std::string upgrade_request =
    "GET /sub/foo/ HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Connection: Upgrade\r\n"
    "Upgrade: websocket\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Authorization: Bearer " +
    auth::make_token("foo", "/sub/foo/") +
    "\r\n"
    "\r\n";

// The acceptor reads a worker's hello asynchronously: sends subscribers
// (each refused with 503 until then) until one reaches `worker`; `c` is
// left holding that one's client.
void send_subscriber_reaching(server& s, const handoff::channel& worker, std::optional<client>& c) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        c.emplace(s.port);
        c->send_raw(upgrade_request);
        if (readable(worker.fd(), 50)) return;
        CHECK(c->read().result_int() == 503);
    }
}

}  // namespace

TEST_CASE("publishes reach the bus in order over one keep-alive connection (P1, P9, D4.2)") {
    server s;
    shm_ring::bus_reader reader(s.bus);
    client c(s.port);

    const std::string body("a\0b\xff", 4);
    auto res = c.request(http::verb::post, "/pub/foo", body, "/pub/foo");
    CHECK(res.result_int() == 200);
    CHECK(res.body() == "OK\n");
    CHECK(res[http::field::content_type] == "text/plain; charset=utf-8");
    CHECK(res[http::field::server] == "hookbot");

    res = c.request(http::verb::put, "/pub/foo", "", "/pub/");
    CHECK(res.result_int() == 200);

    // Chunked, on the same connection.
    c.send_raw(
        "POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    CHECK(c.read().result_int() == 200);

    auto record = reader.next();
    REQUIRE(record.has_value());
    CHECK(record->topic == "foo");
    CHECK(record->body == body);
    record = reader.next();
    REQUIRE(record.has_value());
    CHECK(record->body.empty());
    record = reader.next();
    REQUIRE(record.has_value());
    CHECK(record->topic == "/unsafe/x");
    CHECK(record->body == "abcde");
    CHECK_FALSE(reader.next().has_value());
}

TEST_CASE("the github envelope is what gets published (X1)") {
    server s;
    shm_ring::bus_reader reader(s.bus);
    client c(s.port);
    c.send_raw(
        "POST /unsafe/pub/github.com/x?extra-metadata=github HTTP/1.1\r\nHost: h\r\n"
        "X-GitHub-Event: push\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    CHECK(c.read().result_int() == 200);
    const auto record = reader.next();
    REQUIRE(record.has_value());
    CHECK(record->topic == "/unsafe/github.com/x");
    CHECK(record->body ==
          R"({"Delivery":"","Event":"push","Payload":"eyJhIjoxfQ==","Signature":""})");
}

TEST_CASE("refusals keep the connection when the body is small (D2.4, D1.2, P8)") {
    server s;
    shm_ring::bus_reader reader(s.bus);
    client c(s.port);
    auto res = c.request(http::verb::post, "/pub/foo", "not published");
    CHECK(res.result_int() == 401);
    CHECK(res[http::field::www_authenticate] == "Basic realm=\"hookbot\"");
    res = c.request(http::verb::get, "/pub//foo?x=1");
    CHECK(res.result_int() == 301);
    CHECK(res[http::field::location] == "/pub/foo?x=1");
    res = c.request(http::verb::patch, "/status", "ignored");
    CHECK(res.result_int() == 200);
    CHECK(res.body() == "OK\n");
    CHECK_FALSE(reader.next().has_value());
}

TEST_CASE("HEAD gets the headers and no body, and the connection carries on") {
    server s;
    client c(s.port);
    c.send_raw("HEAD /status HTTP/1.1\r\nHost: h\r\n\r\n");
    http::response_parser<http::string_body> head;
    head.skip(true);
    http::read(c.socket, c.buffer, head);
    CHECK(head.get().result_int() == 200);
    CHECK(head.get()[http::field::content_length] == "3");
    CHECK(c.request(http::verb::get, "/status").body() == "OK\n");
}

TEST_CASE("a body over the limit gets 413 and the connection closes") {
    server s;
    client c(s.port);
    const auto res =
        c.request(http::verb::post, "/pub/foo", std::string(max_body + 1, 'x'), "/pub/foo");
    CHECK(res.result_int() == 413);
    CHECK_FALSE(res.keep_alive());
    CHECK(c.closed_by_server());
}

TEST_CASE("a malformed target gets 400 and the connection closes (D1.1)") {
    server s;
    client c(s.port);
    const auto res = c.request(http::verb::get, "/pub/%zz");
    CHECK(res.result_int() == 400);
    CHECK(c.closed_by_server());
}

TEST_CASE("Expect: 100-continue gets its 100 before the body") {
    server s;
    client c(s.port);
    c.send_raw(
        "POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
        "Content-Length: 2\r\n\r\n");
    std::string interim(25, '\0');
    net::read(c.socket, net::buffer(interim));
    CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
    c.send_raw("hi");
    CHECK(c.read().result_int() == 200);
}

TEST_CASE("a subscriber goes to a worker with its request head (P2, D5.1)") {
    server s;
    {
        client early(s.port);
        early.send_raw(upgrade_request);
        const auto res = early.read();
        CHECK(res.result_int() == 503);
        CHECK(res[http::field::retry_after] == "1");
    }

    auto worker = handoff::channel::connect(s.control_path);
    const posix::unique_fd doorbell(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    REQUIRE(worker.send(handoff::hello{1, ::getpid(), UINT32_MAX, s.bus.epoch()}, doorbell.get()) ==
            handoff::channel::send_result::sent);

    std::optional<client> c;
    send_subscriber_reaching(s, worker, c);
    std::optional<handoff::channel::received> received;
    REQUIRE(worker.receive(received) == handoff::channel::receive_status::ready);
    const auto& subscriber = std::get<handoff::subscriber>(received->body);
    CHECK(subscriber.topic == "foo/");
    CHECK(subscriber.recursive);
    CHECK(subscriber.request_head.starts_with("GET /sub/foo/ HTTP/1.1\r\n"));
    CHECK(subscriber.request_head.ends_with("\r\n\r\n"));
    CHECK(subscriber.request_head.find("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") !=
          std::string::npos);

    // The worker now owns the client's connection, and the acceptor let go.
    REQUIRE(received->attached.valid());
    const std::string answer = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
    REQUIRE(::write(received->attached.get(), answer.data(), answer.size()) ==
            static_cast<ssize_t>(answer.size()));
    std::string seen(answer.size(), '\0');
    net::read(c->socket, net::buffer(seen));
    CHECK(seen == answer);

    // A publish rings a sleeping worker's doorbell once it has subscribers
    // (a worker counts one before it catches up with the bus for it).
    s.bus.slot(1).sleeping.store(1);
    client publisher(s.port);
    CHECK(publisher.request(http::verb::post, "/unsafe/pub/foo/bar", "x").result_int() == 200);
    // The acceptor has one thread: by the second answer, the first publish's
    // (posted) doorbells have been flushed.
    CHECK(publisher.request(http::verb::post, "/unsafe/pub/foo/bar", "x").result_int() == 200);
    CHECK_FALSE(readable(doorbell.get(), 0));
    CHECK(s.bus.slot(1).sleeping.load() == 1);
    s.bus.slot(1).subscribers.store(1);
    CHECK(publisher.request(http::verb::post, "/unsafe/pub/foo/bar", "x").result_int() == 200);
    CHECK(readable(doorbell.get(), 1000));
    CHECK(s.bus.slot(1).sleeping.load() == 0);
}

TEST_CASE("a second hello for a slot a live worker holds is refused") {
    server s;
    auto holder = handoff::channel::connect(s.control_path);
    const posix::unique_fd holder_bell(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    REQUIRE(holder.send(handoff::hello{1, ::getpid(), UINT32_MAX, s.bus.epoch()},
                        holder_bell.get()) == handoff::channel::send_result::sent);
    std::optional<client> c;
    send_subscriber_reaching(s, holder, c);
    std::optional<handoff::channel::received> received;
    REQUIRE(holder.receive(received) == handoff::channel::receive_status::ready);

    auto second = handoff::channel::connect(s.control_path);
    const posix::unique_fd second_bell(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    REQUIRE(second.send(handoff::hello{1, ::getpid(), UINT32_MAX, s.bus.epoch()},
                        second_bell.get()) == handoff::channel::send_result::sent);
    REQUIRE(readable(second.fd(), 2000));
    std::optional<handoff::channel::received> nothing;
    CHECK(second.receive(nothing) == handoff::channel::receive_status::closed);
    // The holder keeps its slot and its subscribers.
    client next(s.port);
    next.send_raw(upgrade_request);
    REQUIRE(readable(holder.fd(), 2000));
    CHECK(holder.receive(received) == handoff::channel::receive_status::ready);
}

TEST_CASE("a hello from a worker of another bus (replaced since) is refused") {
    server s;
    auto stale = handoff::channel::connect(s.control_path);
    const posix::unique_fd doorbell(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    REQUIRE(stale.send(handoff::hello{1, ::getpid(), UINT32_MAX, s.bus.epoch() + 1},
                       doorbell.get()) == handoff::channel::send_result::sent);
    REQUIRE(readable(stale.fd(), 2000));
    std::optional<handoff::channel::received> nothing;
    CHECK(stale.receive(nothing) == handoff::channel::receive_status::closed);
    // It never joined: a subscriber finds no worker.
    client c(s.port);
    c.send_raw(upgrade_request);
    CHECK(c.read().result_int() == 503);
}
