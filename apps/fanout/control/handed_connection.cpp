#include "control/handed_connection.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>
#include <cstdint>

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::optional<tcp::socket> adopt_tcp_socket(asio::io_context& ioc, posix::unique_fd fd,
                                            boost::system::error_code& ec) {
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    // sockaddr_storage is the type the sockets API is designed to be cast from.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) == -1) {
        ec.assign(errno, boost::system::system_category());
        return std::nullopt;
    }
    if (local.ss_family != AF_INET && local.ss_family != AF_INET6) {
        ec = asio::error::address_family_not_supported;
        return std::nullopt;
    }
    tcp::socket socket(ioc);
    socket.assign(local.ss_family == AF_INET ? tcp::v4() : tcp::v6(), fd.get(), ec);
    if (ec) return std::nullopt;
    static_cast<void>(fd.release());  // the socket owns it now
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    return socket;
}

std::optional<upgrade_request> parse_request_head(std::string_view head,
                                                  boost::system::error_code& ec) {
    http::request_parser<http::empty_body> parser;
    parser.eager(true);
    // The acceptor bounded the head already (--max-header-bytes), and so does
    // the handoff message; Beast's own 8 KiB default would refuse heads the
    // acceptor took, such as the 8 KiB topics of docs/PROTOCOL.md D3.
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(head.size(), UINT32_MAX)));
    std::size_t offset = 0;
    while (!parser.is_done() && offset < head.size()) {
        const std::size_t used =
            parser.put(asio::buffer(head.data() + offset, head.size() - offset), ec);
        if (ec == http::error::need_more || used == 0) break;
        if (ec) return std::nullopt;
        offset += used;
    }
    if (!parser.is_done()) {
        ec = http::error::partial_message;
        return std::nullopt;
    }
    ec = {};
    return parser.release();
}

}  // namespace hookbot::fanout
