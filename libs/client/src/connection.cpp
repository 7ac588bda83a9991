#include "hookbot/client/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "use_error_code.hpp"

namespace hookbot::client {

net::ssl::context make_tls_client_context() {
    net::ssl::context context(net::ssl::context::tls_client);
    context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                        net::ssl::context::no_tlsv1_1);
    context.set_default_verify_paths();
    context.set_verify_mode(net::ssl::verify_peer);
    return context;
}

net::awaitable<boost::system::error_code> connect(beast::tcp_stream& stream, const server_url& url,
                                                  std::chrono::milliseconds timeout) {
    net::ip::tcp::resolver resolver(co_await net::this_coro::executor);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(url.host, url.port, use_error_code);
    if (resolve_ec) co_return resolve_ec;
    stream.expires_after(timeout);
    auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, use_error_code);
    static_cast<void>(endpoint);
    co_return connect_ec;
}

net::awaitable<boost::system::error_code> tls_handshake(net::ssl::stream<beast::tcp_stream>& stream,
                                                        const server_url& url,
                                                        std::chrono::milliseconds timeout) {
    // SNI: a name, never an address literal (RFC 6066 §3).
    boost::system::error_code ec;
    net::ip::make_address(url.host, ec);
    // SSL_set_tlsext_host_name, without the macro's old-style cast.
    if (ec && SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                       TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str())) != 1) {
        co_return boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                            net::error::get_ssl_category());
    }
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    auto [handshake_ec] =
        co_await stream.async_handshake(net::ssl::stream_base::client, use_error_code);
    co_return handshake_ec;
}

}  // namespace hookbot::client
