#include "transport/tls_transport.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ssl/error.hpp>
#include <cstring>

namespace hookbot::fanout {
namespace asio = boost::asio;

namespace {

// Where small frames coalesce: one per thread (a worker has one), so an idle
// subscriber holds no write buffer. A write the socket does not take copies
// its bytes out before anything else is written.
std::span<char> coalescing_scratch() {
    thread_local std::array<char, tls_transport::max_record> scratch{};
    return scratch;
}

// What to offer OpenSSL: the first buffer, or small ones copied together.
std::span<const char> one_record(std::span<const asio::const_buffer> buffers) {
    const asio::const_buffer& first = buffers.front();
    std::span<const char> out(static_cast<const char*>(first.data()),
                              std::min(first.size(), tls_transport::max_record));
    if (buffers.size() == 1 || out.size() == tls_transport::max_record) return out;
    const std::span<char> scratch = coalescing_scratch();
    std::size_t size = 0;
    for (std::size_t i = 0; i < buffers.size() && size < scratch.size(); ++i) {
        const std::size_t taken = std::min(buffers[i].size(), scratch.size() - size);
        std::memcpy(scratch.data() + size, buffers[i].data(), taken);
        size += taken;
    }
    return scratch.first(size);
}

}  // namespace

std::unique_ptr<tls_transport> tls_transport::take_over(tls_stream& stream,
                                                        boost::system::error_code& ec) {
    tls_socket_io::ssl_handle ssl = tls_socket_io::share(stream.native_handle());
    if (!ssl) {
        ec = asio::error::no_memory;
        return nullptr;
    }
    // While the stream still holds its end of the BIO pair: attach checks it
    // for bytes the client sent early.
    const int fd = boost::beast::get_lowest_layer(stream).socket().native_handle();
    ec = tls_socket_io::attach(ssl.get(), fd);
    if (ec) return nullptr;
    return std::make_unique<tls_transport>(stream.next_layer().release_socket(), std::move(ssl));
}

read_result tls_transport::read(std::span<char> into) {
    const tls_socket_io::result read = tls_socket_io::read(ssl_.get(), into);
    return {read.bytes, read.wait_for == tls_socket_io::wait::writable, read.error};
}

bool tls_transport::buffered() const noexcept {
    return SSL_has_pending(ssl_.get()) == 1;
}

write_result tls_transport::write(std::span<const asio::const_buffer> buffers) {
    if (!unsent_.empty()) return write_unsent();
    if (buffers.empty()) return {};
    const std::span<const char> out = one_record(buffers);
    const tls_socket_io::result result = tls_socket_io::write(ssl_.get(), out);
    if (result.wait_for == tls_socket_io::wait::writable) {
        unsent_.assign(out.data(), out.size());
        return {out.size(), write_status::blocked, {}};
    }
    if (result.wait_for == tls_socket_io::wait::readable) {
        // Renegotiation is off: no write of ours waits on the client.
        return {0, write_status::all, asio::ssl::error::unexpected_result};
    }
    if (result.error) return {0, write_status::all, result.error};
    const bool all = result.bytes == asio::buffer_size(buffers);
    return {result.bytes, all ? write_status::all : write_status::some, {}};
}

write_result tls_transport::write_unsent() {
    const tls_socket_io::result result = tls_socket_io::write(ssl_.get(), unsent_);
    if (result.wait_for == tls_socket_io::wait::writable) return {0, write_status::blocked, {}};
    if (result.wait_for == tls_socket_io::wait::readable) {
        return {0, write_status::all, asio::ssl::error::unexpected_result};
    }
    if (result.error) return {0, write_status::all, result.error};
    unsent_.erase(0, result.bytes);
    if (unsent_.empty()) std::string().swap(unsent_);  // an idle subscriber holds no buffer
    return {0, write_status::some, {}};
}

void tls_transport::close(bool clean) noexcept {
    // After the close handshake the TLS stream ends properly too, if the
    // socket takes the alert now; a half-written record cannot be ended.
    if (clean && unsent_.empty()) tls_socket_io::send_close_notify(ssl_.get());
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
}

}  // namespace hookbot::fanout
