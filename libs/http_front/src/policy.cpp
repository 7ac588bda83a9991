#include "hookbot/http_front/policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace hookbot::http_front {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

bool expects_continue(const http::request_header<>& head) {
    return beast::iequals(head[http::field::expect], "100-continue");
}

bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_target).category() &&
           ec != http::error::partial_message && ec != http::error::end_of_stream;
}

bool is_routine_error(const beast::error_code& ec) {
    return ec == asio::error::operation_aborted || ec == beast::error::timeout ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == http::error::partial_message ||
           ec == http::error::end_of_stream;
}

namespace {

// Every "access_token=" value, up to the next '&', '#' or whitespace, cut
// from `text` (also a parameter cut short by a limit).
std::string without_access_tokens(std::string_view text) {
    constexpr std::string_view name = "access_token=";
    std::string out;
    out.reserve(text.size());
    for (;;) {
        const auto at = text.find(name);
        if (at == std::string_view::npos) break;
        out.append(text.substr(0, at + name.size()));
        out.append("REDACTED");
        text.remove_prefix(at + name.size());
        const auto end = text.find_first_of("&# \t\r\n");
        text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    }
    out.append(text);
    return out;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
    const std::string redacted = without_access_tokens(text);
    text = redacted;
    std::string out(text.substr(0, max));
    for (char& c : out) {
        if (c < 0x20 || c > 0x7e) c = '?';
    }
    if (text.size() > max) out += "...";
    return out;
}

std::optional<asio::ip::address> peer_address(const asio::ip::tcp::socket& socket) {
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return std::nullopt;
    return endpoint.address();
}

std::string describe_peer(const asio::ip::tcp::socket& socket) {
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "?";
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace hookbot::http_front
