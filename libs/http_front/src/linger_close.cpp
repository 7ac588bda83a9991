#include "hookbot/http_front/linger_close.hpp"

#include <utility>

namespace hookbot::http_front {
namespace beast = boost::beast;
namespace {

constexpr std::size_t read_bytes = 4096;

// The read loop, as a handler that carries its own count.
struct lingering {
    beast::tcp_stream& stream;
    beast::flat_buffer& buffer;
    std::shared_ptr<void> owner;
    std::size_t read_so_far = 0;

    void read_more() {
        auto& s = stream;
        const auto space = buffer.prepare(read_bytes);
        s.async_read_some(space, std::move(*this));
    }

    void operator()(beast::error_code ec, std::size_t bytes) {
        read_so_far += bytes;
        if (ec || read_so_far > linger_bytes) return;  // closed, or time is up: done
        read_more();
    }
};

}  // namespace

void linger_close(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                  std::shared_ptr<void> owner, std::chrono::milliseconds time) {
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    if (ec) return;
    buffer.consume(buffer.size());
    stream.expires_after(time);
    lingering{stream, buffer, std::move(owner)}.read_more();
}

}  // namespace hookbot::http_front
