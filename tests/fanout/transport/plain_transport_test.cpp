#include "transport/plain_transport.hpp"

#include <doctest/doctest.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <string>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using hookbot::fanout::plain_transport;
using hookbot::fanout::write_status;

namespace {

// A connected loopback pair: the server side non-blocking, with a small send
// buffer, so that it fills quickly.
struct socket_pair {
    asio::io_context ioc;
    tcp::socket client{ioc};
    tcp::socket server{ioc};
    socket_pair() {
        tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
        server.set_option(asio::socket_base::send_buffer_size(4096));
        server.non_blocking(true);
    }
};

}  // namespace

TEST_CASE("a plain write reports all, then blocked once the socket is full, and reads back") {
    socket_pair pair;
    plain_transport transport(std::move(pair.server));
    const std::string a = "first frame ";
    const std::string b = "second frame";
    const std::array<asio::const_buffer, 2> two{asio::buffer(a), asio::buffer(b)};
    const auto small = transport.write(two);
    CHECK(small.status == write_status::all);
    CHECK(small.bytes == a.size() + b.size());
    CHECK(!small.error);

    const std::string big(1 << 20, 'x');
    const std::array<asio::const_buffer, 1> one{asio::buffer(big)};
    const auto full = transport.write(one);
    CHECK(full.status == write_status::blocked);
    CHECK(full.bytes < big.size());
    const auto more = transport.write(one);
    CHECK(more.status == write_status::blocked);  // nothing read meanwhile
    CHECK(!more.error);
    CHECK(!transport.holds_unsent());

    std::array<char, 24> got{};
    asio::read(pair.client, asio::buffer(got));
    CHECK(std::string(got.data(), got.size()) == a + b);

    pair.client.write_some(asio::buffer(std::string("hi")));
    std::array<char, 16> into{};
    transport.socket().wait(tcp::socket::wait_read);
    const hookbot::fanout::read_result read = transport.read(into);
    CHECK(read.bytes == 2);
    CHECK(!read.error);
    transport.close(true);
    CHECK(!transport.socket().is_open());
}
