// Requests a fanout worker read on a TLS connection and forwarded: the
// acceptor answers them with the plain path's code, synchronously, so each
// case is one call and a look at the answer and the bus.
#include "sessions/forwarded_requests.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>

#include "hookbot/auth/token.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;

namespace {

constexpr std::uint64_t forwarded_max_body = 256 * 1024;

struct fixture {
    std::string instance = "forwarded-test-" + std::to_string(::getpid());
    std::string control_path = "/tmp/" + instance + ".sock";
    shm_ring::bus created = [this] {
        shm_ring::bus_options options;
        options.shards = 2;
        options.ring_bytes = 4u << 20;
        options.max_body_bytes = forwarded_max_body;
        options.worker_slots = 2;
        return shm_ring::bus::create(instance, options);
    }();
    shm_ring::bus bus = shm_ring::bus::open(instance, shm_ring::bus::access::writer);
    shm_ring::bus_reader reader{created};
    boost::asio::io_context ioc{1};
    worker_pool workers{ioc, bus, handoff::listen_control_socket(control_path), 8};
    publish_handler publisher{bus, workers};
    metrics_endpoint metrics{bus, metrics_access::loopback};
    shared_state state{session_limits{.max_body_bytes = forwarded_max_body},
                       auth::verifier({"foo"}),
                       publisher,
                       workers,
                       {},
                       {},
                       metrics,
                       bus.acceptor()};

    fixture(const fixture&) = delete;
    fixture& operator=(const fixture&) = delete;
    fixture() = default;
    ~fixture() {
        ::unlink(control_path.c_str());
        shm_ring::bus::remove(instance);
    }

    handoff::message answer(handoff::forwarded_request request, posix::unique_fd body = {}) {
        request.id = 42;
        if (!request.body_in_memfd) request.body_bytes = request.body.size();
        // Without a bus_room every answer comes at once.
        std::optional<handoff::message> answer;
        answer_forwarded(state, std::move(request), std::move(body),
                         [&answer](handoff::message m) { answer = std::move(m); });
        REQUIRE(answer.has_value());
        return std::move(*answer);
    }
};

std::string head(std::string_view method, std::string_view target, std::string_view token_path,
                 std::string_view extra = "") {
    std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n";
    if (!token_path.empty())
        text += "Authorization: Bearer " + auth::make_token("foo", token_path) + "\r\n";
    return text + std::string(extra) + "\r\n";
}

handoff::forwarded_response response_of(handoff::message m) {
    REQUIRE(std::holds_alternative<handoff::forwarded_response>(m));
    auto r = std::get<handoff::forwarded_response>(std::move(m));
    CHECK(r.id == 42);
    return r;
}

constexpr std::string_view upgrade =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

}  // namespace

TEST_CASE_FIXTURE(fixture,
                  "a forwarded publish is appended to the bus and answered 200, kept alive") {
    handoff::forwarded_request request;
    request.head = head("POST", "/pub/t", "/pub/t", "Content-Length: 5\r\n");
    request.body = "hello";
    const auto r = response_of(answer(request));
    CHECK_FALSE(r.close);
    CHECK(r.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(r.bytes.ends_with("\r\n\r\nOK\n"));
    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->topic == "t");
    CHECK(record->body == "hello");
}

TEST_CASE_FIXTURE(fixture, "a body in a sealed memfd is published byte for byte") {
    std::string body(100 * 1024, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 13);
    handoff::forwarded_request request;
    request.head = head("PUT", "/pub/big", "/pub/big");
    request.body_in_memfd = true;
    request.body_bytes = body.size();
    const auto r = response_of(answer(request, handoff::seal_body(body)));
    CHECK(r.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->body == body);
}

TEST_CASE_FIXTURE(fixture, "a memfd of the wrong length is refused, nothing published") {
    handoff::forwarded_request request;
    request.head = head("POST", "/pub/t", "/pub/t");
    request.body_in_memfd = true;
    request.body_bytes = 10;
    const auto r = response_of(answer(request, handoff::seal_body("short")));
    CHECK(r.bytes.starts_with("HTTP/1.1 503 "));
    CHECK_FALSE(reader.next());
}

TEST_CASE_FIXTURE(fixture, "the plain path's refusals, with the same bytes") {
    handoff::forwarded_request request;
    request.head = head("POST", "/pub/t", "");
    const auto unauthorised = response_of(answer(request));
    CHECK(unauthorised.bytes.starts_with("HTTP/1.1 401 Unauthorized\r\n"));
    CHECK(unauthorised.bytes.ends_with("\r\n\r\n401 Unauthorized\n"));
    CHECK_FALSE(unauthorised.close);

    request.head = head("GET", "/pub/%zz", "");
    const auto malformed = response_of(answer(request));
    CHECK(malformed.bytes.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(malformed.close);

    request.head = head("GET", "/status", "", "Connection: close\r\n");
    const auto status = response_of(answer(request));
    CHECK(status.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(status.close);
    CHECK_FALSE(reader.next());
}

TEST_CASE_FIXTURE(fixture, "what the worker could not read is answered as the plain path would") {
    handoff::forwarded_request request;
    request.head_too_large = true;
    const auto too_large = response_of(answer(request));
    CHECK(too_large.bytes.starts_with("HTTP/1.1 431 "));
    CHECK(too_large.close);

    handoff::forwarded_request garbage;
    garbage.malformed = true;
    CHECK(response_of(answer(garbage)).bytes.starts_with("HTTP/1.1 400 Bad Request\r\n"));

    handoff::forwarded_request big;
    big.head = head("POST", "/pub/t", "/pub/t", "Content-Length: 999999999\r\n");
    big.body_too_large = true;
    const auto payload = response_of(answer(big));
    CHECK(payload.bytes.starts_with("HTTP/1.1 413 "));
    CHECK(payload.close);
    // Refused before the body matters: a bad token still says 401.
    big.head = head("POST", "/pub/t", "", "Content-Length: 999999999\r\n");
    CHECK(response_of(answer(big)).bytes.starts_with("HTTP/1.1 401 "));
    CHECK_FALSE(reader.next());
}

TEST_CASE_FIXTURE(fixture, "an authorised handshake comes back as forwarded_subscribe") {
    handoff::forwarded_request request;
    request.head = head("GET", "/sub/a/b/", "/sub/a/b/", upgrade);
    const auto answered = answer(request);
    REQUIRE(std::holds_alternative<handoff::forwarded_subscribe>(answered));
    const auto& s = std::get<handoff::forwarded_subscribe>(answered);
    CHECK(s.id == 42);
    CHECK(s.topic == "a/b/");
    CHECK(s.recursive);

    request.bytes_after_head = true;  // early frames would be lost
    const auto refused = response_of(answer(request));
    CHECK(refused.bytes.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(refused.close);

    request.bytes_after_head = false;
    request.head = head("GET", "/sub/a", "/sub/other", upgrade);
    CHECK(response_of(answer(request)).bytes.starts_with("HTTP/1.1 401 "));
}

TEST_CASE_FIXTURE(fixture, "the plain path's head limits hold for forwarded (TLS) requests") {
    handoff::forwarded_request long_url;
    long_url.head = head("POST", "/pub/" + std::string(20 * 1024, 'u'), "/");
    auto r = response_of(answer(long_url));
    CHECK(r.close);
    CHECK(r.bytes.starts_with("HTTP/1.1 414 URI Too Long\r\n"));

    std::string fields;
    for (int i = 0; i < 101; ++i) fields += "X-F" + std::to_string(i) + ": v\r\n";
    handoff::forwarded_request many_fields;
    many_fields.head = head("POST", "/pub/t", "/pub/t", fields);
    r = response_of(answer(many_fields));
    CHECK(r.close);
    CHECK(r.bytes.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    CHECK_FALSE(reader.next());
}
