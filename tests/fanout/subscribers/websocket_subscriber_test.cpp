#include "subscribers/websocket_subscriber.hpp"

#include <doctest/doctest.h>

#include <array>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "loopback.hpp"

namespace {

using namespace hookbot::fanout;
using namespace hookbot::fanout::testing;
namespace http = beast::http;

payload text(std::string s) {
    return make_payload(std::move(s));
}

// Delivers to every subscriber of `topic` as the bus tailer would.
void publish(subscriptions& registry, std::string_view topic, const payload& message) {
    std::vector<topic_index::match> matches;
    registry.find(topic, matches);
    for (const auto& m : matches) m.target->deliver(message);
}

// Reads until the server closes; returns the messages and the close code.
struct received {
    std::vector<std::string> messages;
    std::vector<bool> binary;
    websocket::close_code code = websocket::close_code::none;
};
received read_all(client_stream& ws) {
    received r;
    for (;;) {
        beast::flat_buffer buffer;
        beast::error_code ec;
        ws.read(buffer, ec);
        if (ec) {
            r.code = static_cast<websocket::close_code>(ws.reason().code);
            return r;
        }
        r.messages.push_back(beast::buffers_to_string(buffer.data()));
        r.binary.push_back(ws.got_binary());
    }
}

struct fixture {
    hookbot::shm_ring::worker_slot slot;
    subscriptions registry{slot};  // outlives the io_context, as in main
    asio::io_context ioc;
    tcp::acceptor listener{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
    subscriber_limits limits;

    void run() { ioc.run_for(std::chrono::seconds(10)); }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "messages queued before the 101 arrive after it, in order, binary") {
    std::string server_header;
    received got;
    loopback_client client(listener.local_endpoint(), "/sub/t",
                           [&](client_stream& ws, const websocket::response_type& response) {
                               server_header = std::string(response[http::field::server]);
                               beast::flat_buffer buffer;
                               for (int i = 0; i < 3; ++i) {
                                   ws.read(buffer);
                                   got.messages.push_back(beast::buffers_to_string(buffer.data()));
                                   got.binary.push_back(ws.got_binary());
                                   buffer.clear();
                               }
                               ws.close(websocket::close_code::normal);
                           });
    hand_over(ioc, listener, registry, limits, "t", false);
    CHECK(slot.subscribers.load() == 1);  // in effect before the handshake
    publish(registry, "t", text("one"));
    publish(registry, "t", text(std::string("t\0wo", 4)));
    publish(registry, "other", text("not for it"));
    publish(registry, "t", text(""));
    run();
    client.finish();
    CHECK(server_header == "hookbot");
    CHECK(got.messages == std::vector<std::string>{"one", std::string("t\0wo", 4), ""});
    CHECK(got.binary == std::vector<bool>{true, true, true});
    CHECK(slot.subscribers.load() == 0);
    CHECK(registry.size() == 0);
}

TEST_CASE_FIXTURE(fixture, "client frames are ignored and pings answered") {
    received got;
    loopback_client client(listener.local_endpoint(), "/sub/t",
                           [&](client_stream& ws, const websocket::response_type&) {
                               ws.text(true);
                               ws.write(asio::buffer(std::string("please echo")));
                               ws.ping({});
                               beast::flat_buffer buffer;
                               ws.read(buffer);  // the pong is handled inside read
                               got.messages.push_back(beast::buffers_to_string(buffer.data()));
                               ws.close(websocket::close_code::normal);
                           });
    hand_over(ioc, listener, registry, limits, "t", false);
    // Delivered once the server has read the client's frames: nothing echoed first.
    asio::steady_timer later(ioc, std::chrono::milliseconds(200));
    later.async_wait([&](beast::error_code) { publish(registry, "t", text("real")); });
    run();
    client.finish();
    CHECK(got.messages == std::vector<std::string>{"real"});
}

TEST_CASE_FIXTURE(fixture, "going away closes with 1001, even during the handshake") {
    received got;
    loopback_client client(
        listener.local_endpoint(), "/sub/t/",
        [&](client_stream& ws, const websocket::response_type&) { got = read_all(ws); });
    hand_over(ioc, listener, registry, limits, "t/", true);
    int emptied = 0;
    registry.on_empty([&] { ++emptied; });
    registry.close_all_going_away();
    CHECK(registry.size() == 1);  // still closing
    run();
    client.finish();
    CHECK(got.code == websocket::close_code::going_away);
    CHECK(emptied == 1);
}

TEST_CASE_FIXTURE(fixture, "an overflowing subscriber is closed with 1008 and its loss counted") {
    limits.queue =
        queue_limits{.max_messages = 1, .max_bytes = 100, .overflow = overflow_policy::close};
    received got;
    loopback_client client(
        listener.local_endpoint(), "/sub/t",
        [&](client_stream& ws, const websocket::response_type&) { got = read_all(ws); });
    hand_over(ioc, listener, registry, limits, "t", false);
    std::vector<topic_index::match> matches;
    registry.find("t", matches);
    REQUIRE(matches.size() == 1);
    subscriber& s = *matches[0].target;
    CHECK(s.deliver(text("a")) == push_result::queued);
    CHECK(s.deliver(text("b")) == push_result::overflow);
    CHECK(s.deliver(text("c")) == push_result::dropped);  // closing
    registry.find("t", matches);
    CHECK(matches.empty());  // unsubscribed at once
    run();
    client.finish();
    CHECK(got.code == websocket::close_code::policy_error);
    CHECK(got.messages.empty());
    CHECK(slot.dropped.load() == 1);  // "a", discarded unsent (b, c are the caller's to count)
}

TEST_CASE_FIXTURE(fixture, "a backlog beyond the socket buffers arrives whole and in order") {
    // Queued before the 101: the first flush fills the kernel's buffers and
    // the rest goes out as the client reads (partial writes, writability).
    constexpr int count = 3000;
    limits.queue = queue_limits{
        .max_messages = count, .max_bytes = 64u << 20, .overflow = overflow_policy::drop};
    std::vector<std::string> got;
    loopback_client client(listener.local_endpoint(), "/sub/t",
                           [&](client_stream& ws, const websocket::response_type&) {
                               beast::flat_buffer buffer;
                               for (int i = 0; i < count; ++i) {
                                   ws.read(buffer);
                                   got.push_back(beast::buffers_to_string(buffer.data()));
                                   buffer.clear();
                               }
                               ws.close(websocket::close_code::normal);
                           });
    hand_over(ioc, listener, registry, limits, "t", false);
    std::vector<std::string> sent;
    for (int i = 0; i < count; ++i) {
        // Sizes on both sides of the 126 and 65536 length encodings.
        const std::size_t size = i % 100 == 0 ? 70000 : i % 2 == 0 ? 4096 : 100;
        std::string body =
            std::to_string(i) + ":" + std::string(size, static_cast<char>('a' + i % 26));
        publish(registry, "t", text(body));
        sent.push_back(std::move(body));
    }
    run();
    client.finish();
    std::size_t bytes = 0;
    for (const auto& s : sent) bytes += s.size();
    std::printf("backlog: %d messages, %zu bytes delivered in order: %s\n", count, bytes,
                got == sent ? "yes" : "no");
    CHECK(got.size() == sent.size());
    CHECK(got == sent);
    CHECK(slot.dropped.load() == 0);
}

TEST_CASE_FIXTURE(fixture, "a ping's payload comes back in the pong") {
    std::string pong;
    std::vector<std::string> messages;
    loopback_client client(
        listener.local_endpoint(), "/sub/t",
        [&](client_stream& ws, const websocket::response_type&) {
            ws.control_callback([&](websocket::frame_type kind, beast::string_view payload) {
                if (kind == websocket::frame_type::pong) {
                    pong = std::string(payload);
                }
            });
            ws.ping("are you there");
            beast::flat_buffer buffer;
            ws.read(buffer);  // the pong is handled inside read
            messages.push_back(beast::buffers_to_string(buffer.data()));
            ws.close(websocket::close_code::normal);
        });
    hand_over(ioc, listener, registry, limits, "t", false);
    asio::steady_timer later(ioc, std::chrono::milliseconds(200));
    later.async_wait([&](beast::error_code) { publish(registry, "t", text("after")); });
    run();
    client.finish();
    CHECK(pong == "are you there");
    CHECK(messages == std::vector<std::string>{"after"});
}

TEST_CASE_FIXTURE(fixture, "a client that pings without reading gets a bounded number of pongs") {
    constexpr int pings = 5000;
    constexpr std::size_t ping_payload = 120;
    int pongs = 0;
    bool closed = false;
    loopback_client client(
        listener.local_endpoint(), "/sub/t",
        [&](client_stream& ws, const websocket::response_type&) {
            // Raw frames: Beast's client would read (and answer) between pings.
            tcp::socket& socket = ws.next_layer();
            socket.set_option(asio::socket_base::receive_buffer_size(4096));
            std::string ping = {'\x89', static_cast<char>(0x80 | ping_payload), 0, 0, 0, 0};
            ping.append(ping_payload, 'p');  // masked with a zero key
            std::string flood;
            for (int i = 0; i < pings; ++i) flood += ping;
            flood += std::string{'\x88', '\x82', 0, 0, 0, 0, '\x03', '\xe8'};  // close 1000
            asio::write(socket, asio::buffer(flood));
            // Every pong up to the server's close frame (all unmasked, < 126 bytes).
            for (;;) {
                std::array<unsigned char, 2> head{};
                beast::error_code ec;
                asio::read(socket, asio::buffer(head), ec);
                if (ec) return;
                std::string payload(head[1] & 0x7f, '\0');
                asio::read(socket, asio::buffer(payload), ec);
                if (ec) return;
                if ((head[0] & 0x0f) == 0xa) ++pongs;
                if ((head[0] & 0x0f) == 0x8) {
                    closed = true;
                    return;
                }
            }
        });
    hand_over(ioc, listener, registry, limits, "t", false, 4096);
    run();
    // A subscriber still there (the test failed) closes, so the client's
    // blocking read ends.
    registry.close_all_going_away();
    ioc.restart();
    run();
    client.finish();
    std::printf("ping flood: %d pings unread, %d pongs came back\n", pings, pongs);
    CHECK(closed);
    CHECK(pongs > 0);
    // Without a bound every ping is answered; with it, what the kernel
    // buffers and 4 KiB of pending pongs hold.
    CHECK(pongs < pings / 2);
}
