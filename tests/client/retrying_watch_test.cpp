#include "hookbot/client/retrying_watch.hpp"

#include <doctest/doctest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temporary_directory.hpp"

// The watch against a scripted websocket server in the same io_context: one
// thread, no sleeps; the whole exchange is bounded by run_for.
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace hookbot::client;
using tcp = net::ip::tcp;
constexpr auto no_throw = net::as_tuple(net::use_awaitable);

// One connection's frames: text frames are sent as text, the rest as binary.
struct frame_to_send {
    std::string payload;
    bool text = true;
};

// Accepts one websocket per script, records its request target, sends its
// frames, then closes it (the last script's connection is left open).
net::awaitable<void> scripted_server(tcp::acceptor& acceptor,
                                     std::vector<std::vector<frame_to_send>> scripts,
                                     std::vector<std::string>& targets) {
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        auto [accept_ec, socket] = co_await acceptor.async_accept(no_throw);
        REQUIRE_FALSE(accept_ec);
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        beast::flat_buffer buffer;
        beast::http::request<beast::http::empty_body> request;
        auto [read_ec, read] =
            co_await beast::http::async_read(ws.next_layer(), buffer, request, no_throw);
        REQUIRE_FALSE(read_ec);
        static_cast<void>(read);
        targets.emplace_back(request.target());
        auto [handshake_ec] = co_await ws.async_accept(request, no_throw);
        REQUIRE_FALSE(handshake_ec);
        for (const auto& frame : scripts[i]) {
            ws.text(frame.text);
            auto [write_ec, written] =
                co_await ws.async_write(net::buffer(frame.payload), no_throw);
            REQUIRE_FALSE(write_ec);
            static_cast<void>(written);
        }
        if (i + 1 < scripts.size()) {
            auto [close_ec] = co_await ws.async_close(websocket::close_code::going_away, no_throw);
            static_cast<void>(close_ec);
        } else {
            // Held until the client goes.
            auto [last_ec, bytes] = co_await ws.async_read(buffer, no_throw);
            static_cast<void>(last_ec);
            static_cast<void>(bytes);
        }
    }
}

std::string message_json(const std::string& id, const std::string& body) {
    return R"({"id":")" + id + R"(","topic":"t","body":")" + body + R"("})";
}

struct fixture {
    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
    net::ssl::context tls = make_tls_client_context();
    temporary_directory dir;

    server_url url(const std::string& target) const {
        auto parsed = parse_server_url(
            "ws://token@127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + target);
        REQUIRE(parsed);
        return *parsed;
    }

    static watch_options fast(std::optional<std::string> state) {
        watch_options options;
        options.connection.reconnect = {std::chrono::milliseconds{1}, std::chrono::milliseconds{5},
                                        0.2, std::chrono::milliseconds{60000}};
        options.state_path = std::move(state);
        return options;
    }
};

std::string content_of(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const watch_event& event) {
    if (const auto* gap = std::get_if<gap_notice>(&event)) return "gap " + gap->since;
    const auto& message = std::get<watch_message>(event);
    return message.id.value_or("-") + " " + message.topic + " " + message.body;
}

}  // namespace

TEST_CASE("retrying watch: resumes after the last handled id, saves it, reports each error") {
    fixture f;
    std::vector<std::string> targets;
    net::co_spawn(f.ioc,
                  scripted_server(f.acceptor,
                                  {{{message_json("e-1", "one")}, {message_json("e-2", "two")}},
                                   {{R"({"gap":{"since":"e-2","reason":"overwritten"}})"},
                                    {message_json("e-3", "three")},
                                    {"not json"},
                                    {std::string("bare\0body", 9), false},
                                    {message_json("e-4", "four")}}},
                                  targets),
                  net::detached);

    const std::string state = f.dir.path("state");
    retrying_watch watch(f.ioc.get_executor(), f.url("/sub/t?x=1"), {}, f.tls,
                         fixture::fast(state));
    std::vector<std::string> events;
    std::vector<watch_error::kind> errors;
    bool finished = false;
    net::co_spawn(f.ioc,
                  watch.run(
                      [&](const watch_event& event) -> net::awaitable<disposition> {
                          events.push_back(describe(event));
                          // The last one is not handled: the watch stops before recording it.
                          co_return events.size() == 6 ? disposition::unhandled
                                                       : disposition::handled;
                      },
                      [&](const watch_error& error) { errors.push_back(error.what); }),
                  [&](const std::exception_ptr&) { finished = true; });
    f.ioc.run_for(std::chrono::seconds{10});

    REQUIRE(finished);
    CHECK(events == std::vector<std::string>{"e-1 t one", "e-2 t two", "gap e-2", "e-3 t three",
                                             std::string("- t bare\0body", 13), "e-4 t four"});
    REQUIRE(targets.size() == 2);
    CHECK(targets[0] == "/sub/t?x=1&format=json");
    CHECK(targets[1] == "/sub/t?x=1&format=json&since=e-2");
    // The closed connection, then the frame that was not an envelope.
    CHECK(errors == std::vector<watch_error::kind>{watch_error::kind::connection,
                                                   watch_error::kind::bad_frame});
    CHECK(watch.last_id() == "e-3");
    CHECK(content_of(state) == "e-3\n");
}

TEST_CASE("retrying watch: a state file's id is where the first connection resumes") {
    fixture f;
    std::vector<std::string> targets;
    net::co_spawn(f.ioc, scripted_server(f.acceptor, {{{message_json("e-8", "eight")}}}, targets),
                  net::detached);
    const std::string state = f.dir.write("state", "e-7\n");
    retrying_watch watch(f.ioc.get_executor(), f.url("/sub/t?since=all"), {}, f.tls,
                         fixture::fast(state));
    CHECK(watch.last_id() == "e-7");
    net::co_spawn(f.ioc,
                  watch.run(
                      [&](const watch_event&) -> net::awaitable<disposition> {
                          watch.stop();
                          co_return disposition::handled;
                      },
                      [](const watch_error&) {}),
                  net::detached);
    f.ioc.run_for(std::chrono::seconds{10});
    REQUIRE(targets.size() == 1);
    CHECK(targets[0] == "/sub/t?format=json&since=e-7");
    // Stopped while handling it, but it was handled: it counts.
    CHECK(content_of(state) == "e-8\n");
}

TEST_CASE("retrying watch: an explicit since wins over the state file's id") {
    fixture f;
    watch_options options = fixture::fast(f.dir.write("state", "e-7\n"));
    options.since = "e-9";
    const retrying_watch watch(f.ioc.get_executor(), f.url("/sub/t"), {}, f.tls, options);
    CHECK(watch.last_id() == "e-9");
}

TEST_CASE("retrying watch: what is not a subscription URL is refused at once") {
    fixture f;
    CHECK_THROWS_AS(retrying_watch(f.ioc.get_executor(), f.url("/pub/t"), {}, f.tls),
                    std::invalid_argument);
    auto http = parse_server_url("http://127.0.0.1:1/sub/t");
    REQUIRE(http);
    CHECK_THROWS_AS(retrying_watch(f.ioc.get_executor(), *http, {}, f.tls), std::invalid_argument);
    f.dir.write("state", "two words\n");
    CHECK_THROWS_AS(retrying_watch(f.ioc.get_executor(), f.url("/sub/t"), {}, f.tls,
                                   fixture::fast(f.dir.path("state"))),
                    std::runtime_error);
}
