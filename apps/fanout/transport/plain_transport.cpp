#include "transport/plain_transport.hpp"

#include <boost/asio/error.hpp>

namespace hookbot::fanout {
namespace asio = boost::asio;

namespace {

bool would_block(const boost::system::error_code& ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

read_result plain_transport::read(std::span<char> into) {
    read_result result;
    result.bytes = socket_.read_some(asio::buffer(into.data(), into.size()), result.error);
    if (would_block(result.error)) result.error = {};
    return result;
}

write_result plain_transport::write(std::span<const asio::const_buffer> buffers) {
    write_result result;
    result.bytes = socket_.write_some(buffers, result.error);
    if (would_block(result.error)) {
        return {0, write_status::blocked, {}};
    }
    if (!result.error && result.bytes < asio::buffer_size(buffers)) {
        result.status = write_status::blocked;
    }
    return result;
}

void plain_transport::close(bool /*clean*/) noexcept {
    boost::system::error_code ignored;
    // The client's close was read (or it is gone): end our side cleanly.
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
}

}  // namespace hookbot::fanout
