#include "transport/tls_socket_io.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <csignal>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace asio = boost::asio;
namespace io = hookbot::fanout::tls_socket_io;

namespace {

using tls_socket = asio::ssl::stream<asio::local::stream_protocol::socket>;

struct pkey_free {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct x509_free {
    void operator()(X509* cert) const noexcept { X509_free(cert); }
};
struct ssl_ctx_free {
    void operator()(SSL_CTX* context) const noexcept { SSL_CTX_free(context); }
};
struct ssl_free {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};

// A throwaway P-256 key and a self-signed certificate for it, in memory.
asio::ssl::context server_context() {
    const std::unique_ptr<EVP_PKEY, pkey_free> key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    const std::unique_ptr<X509, x509_free> cert(X509_new());
    REQUIRE(cert);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    asio::ssl::context context(asio::ssl::context::tls_server);
    REQUIRE(SSL_CTX_use_certificate(context.native_handle(), cert.get()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(context.native_handle(), key.get()) == 1);
    return context;
}

// A TLS connection over a socket pair: the server's end through Asio's
// engine, as in the worker, then attached to its socket; the client's end
// plain OpenSSL on a blocking socket.
struct connection {
    asio::io_context ioc;
    asio::ssl::context server_tls = server_context();
    tls_socket server{ioc, server_tls};
    asio::local::stream_protocol::socket client_socket{ioc};
    std::unique_ptr<SSL_CTX, ssl_ctx_free> client_tls{SSL_CTX_new(TLS_client_method())};
    std::unique_ptr<SSL, ssl_free> client;

    connection() {
        std::signal(SIGPIPE, SIG_IGN);  // as hookbot-fanout does
        asio::local::connect_pair(server.next_layer(), client_socket);
        REQUIRE(client_tls);
        client.reset(SSL_new(client_tls.get()));
        REQUIRE(client);
        REQUIRE(SSL_set_fd(client.get(), client_socket.native_handle()) == 1);
        // Every wait of the client's ends: a test that fails does not hang.
        const timeval timeout{10, 0};
        REQUIRE(::setsockopt(client_socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
                             sizeof timeout) == 0);
        std::thread accept([this] { server.handshake(asio::ssl::stream_base::server); });
        const int connected = SSL_connect(client.get());
        accept.join();
        REQUIRE(connected == 1);
        server.next_layer().non_blocking(true);
        REQUIRE_FALSE(io::attach(ssl(), fd()));
    }
    SSL* ssl() { return server.native_handle(); }
    int fd() { return server.next_layer().native_handle(); }

    // Waits (at most 10 s) until the server's socket is ready for `events`.
    bool ready(short events) {
        pollfd p{fd(), events, 0};
        return ::poll(&p, 1, 10'000) == 1;
    }
    void client_write(std::string_view bytes) {
        REQUIRE(SSL_write(client.get(), bytes.data(), static_cast<int>(bytes.size())) ==
                static_cast<int>(bytes.size()));
    }
    // Exactly `size` bytes; fewer if the stream ends first.
    std::string client_read(std::size_t size) {
        std::string got(size, '\0');
        std::size_t at = 0;
        while (at < size) {
            const int n = SSL_read(client.get(), got.data() + at, static_cast<int>(size - at));
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
        }
        got.resize(at);
        return got;
    }
    // SSL_get_error of a read that finds the stream ended.
    int client_read_end() {
        char byte = 0;
        const int n = SSL_read(client.get(), &byte, 1);
        return n > 0 ? SSL_ERROR_NONE : SSL_get_error(client.get(), n);
    }
};

std::string chunk(std::size_t size, char fill) {
    return std::string(size, fill);
}

}  // namespace

TEST_CASE("after attach, records go both ways on the socket itself") {
    connection c;
    const std::string hello = "hello, subscriber";
    const io::result written = io::write(c.ssl(), hello);
    CHECK(written.bytes == hello.size());
    CHECK_FALSE(written.error);
    CHECK(c.client_read(hello.size()) == hello);

    std::array<char, 64> into{};
    io::result nothing = io::read(c.ssl(), into);
    CHECK(nothing.bytes == 0);
    CHECK(nothing.wait_for == io::wait::readable);
    CHECK_FALSE(nothing.error);

    c.client_write("ping");
    REQUIRE(c.ready(POLLIN));
    const io::result read = io::read(c.ssl(), into);
    CHECK(std::string(into.data(), read.bytes) == "ping");
}

TEST_CASE("a write the socket does not take is retried from a moved copy, in order") {
    connection c;
    // Fill the socket: 16 KiB records, each of its own letter.
    std::size_t written = 0;
    std::string pending;
    for (int i = 0; i < 10'000 && pending.empty(); ++i) {
        const std::string bytes = chunk(16 * 1024, static_cast<char>('a' + i % 26));
        const io::result r = io::write(c.ssl(), bytes);
        REQUIRE_FALSE(r.error);
        written += r.bytes;
        if (r.wait_for == io::wait::writable) pending = bytes;
    }
    REQUIRE_FALSE(pending.empty());

    // The client reads everything while the server retries from another buffer.
    std::string received;
    std::thread reader([&] { received = c.client_read(written + pending.size()); });
    const std::string moved = pending;  // same bytes, another address
    std::size_t retried = 0;
    while (retried < moved.size() && c.ready(POLLOUT)) {
        const io::result r = io::write(c.ssl(), std::string_view(moved).substr(retried));
        if (r.error) break;
        retried += r.bytes;
    }
    reader.join();  // the client's reads time out if the server stopped short
    REQUIRE(retried == moved.size());
    REQUIRE(received.size() == written + pending.size());
    for (std::size_t at = 0; at < received.size(); at += 16 * 1024) {
        CHECK(received[at] == static_cast<char>('a' + (at / (16 * 1024)) % 26));
    }
    CHECK(received.substr(written) == pending);
}

TEST_CASE("close_notify ends the stream cleanly, a bare close is a truncation") {
    SUBCASE("the server's close_notify reaches the client as EOF") {
        connection c;
        io::send_close_notify(c.ssl());
        CHECK(c.client_read_end() == SSL_ERROR_ZERO_RETURN);
    }
    SUBCASE("the client's close_notify is EOF") {
        connection c;
        REQUIRE(SSL_shutdown(c.client.get()) >= 0);
        REQUIRE(c.ready(POLLIN));
        std::array<char, 16> into{};
        CHECK(io::read(c.ssl(), into).error == asio::error::eof);
    }
    SUBCASE("a client gone without one is stream_truncated") {
        connection c;
        // Its end of the stream, without close_notify (a close would reset:
        // the server's session tickets are unread).
        c.client_socket.shutdown(asio::socket_base::shutdown_send);
        REQUIRE(c.ready(POLLIN));
        std::array<char, 16> into{};
        CHECK(io::read(c.ssl(), into).error == asio::ssl::error::stream_truncated);
    }
}

TEST_CASE("attach refuses while ciphertext waits in the BIO pair") {
    asio::ssl::context context = server_context();
    const std::unique_ptr<SSL, ssl_free> ssl(SSL_new(context.native_handle()));
    REQUIRE(ssl);
    BIO* inner = nullptr;
    BIO* outer = nullptr;
    REQUIRE(BIO_new_bio_pair(&inner, 0, &outer, 0) == 1);
    SSL_set_bio(ssl.get(), inner, inner);  // SSL owns `inner`
    REQUIRE(BIO_write(outer, "x", 1) == 1);
    CHECK(io::attach(ssl.get(), 0) == boost::system::errc::protocol_error);
    BIO_free(outer);
}
