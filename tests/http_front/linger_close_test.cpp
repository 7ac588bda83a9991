#include "hookbot/http_front/linger_close.hpp"

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

struct server_side {
    explicit server_side(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
};

// A connected pair on loopback: the server's end in a tcp_stream.
std::pair<std::shared_ptr<server_side>, tcp::socket> connected_pair(asio::io_context& io) {
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    return {std::make_shared<server_side>(acceptor.accept()), std::move(client)};
}

}  // namespace

TEST_CASE("a lingering close lets the client read the answer, then sees its close") {
    asio::io_context io;
    auto [server, client] = connected_pair(io);
    asio::write(server->stream.socket(), asio::buffer(std::string("answer")));
    std::weak_ptr<server_side> watched = server;
    auto& [stream, buffer] = *server;
    hookbot::http_front::linger_close(stream, buffer, std::move(server), 5s);

    // The client keeps sending after the answer (a body the server never
    // read): the server's side reads and drops it instead of resetting.
    asio::write(client, asio::buffer(std::string(100000, 'x')));
    io.run_for(100ms);
    CHECK_FALSE(watched.expired());  // still lingering: the client has not closed
    std::string answer(6, '\0');
    asio::read(client, asio::buffer(answer));
    CHECK(answer == "answer");
    char more = 0;
    beast::error_code ec;
    asio::read(client, asio::buffer(&more, 1), ec);
    CHECK(ec == asio::error::eof);  // the half-close
    client.close();
    io.restart();
    io.run_for(2s);
    CHECK(watched.expired());  // the client closed: the session is let go
}

TEST_CASE("a lingering close ends by its time when the client never closes") {
    asio::io_context io;
    auto [server, client] = connected_pair(io);
    std::weak_ptr<server_side> watched = server;
    auto& [stream, buffer] = *server;
    hookbot::http_front::linger_close(stream, buffer, std::move(server), 50ms);
    io.run_for(2s);
    CHECK(watched.expired());
}
