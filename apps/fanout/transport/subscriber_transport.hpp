#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

namespace hookbot::fanout {

// The explicit outcome of a write, as uWebSockets has (sent / backpressure).
enum class write_status : std::uint8_t {
    all,      // every byte offered was taken
    some,     // part was taken and the socket may take more: offer the rest now
    blocked,  // the socket takes no more now: offer the rest once it is writable
};

struct write_result {
    // The caller's bytes taken: they are the transport's to send from now on.
    std::size_t bytes = 0;
    write_status status = write_status::all;
    boost::system::error_code error;  // the connection is over
};

struct read_result {
    std::size_t bytes = 0;            // 0: nothing to read now
    bool wait_writable = false;       // nothing read: retry once the socket is writable (TLS)
    boost::system::error_code error;  // the connection is over
};

// A subscriber's connection once its 101 is written: the websocket frames go
// through it as bytes, plain or encrypted. The subscriber logic (frames,
// queue, close handshake, pings, watchdog) is written once against this.
//
// Virtual, not a template parameter: it is called once per gathered write
// (up to 64 frames) and once per read, each a syscall, so the indirect call
// does not show; the subscriber is then one class, compiled once. See
// docs/ARCHITECTURE.md (transports side by side).
class subscriber_transport {
  public:
    // At most this many buffers per write (what one writev takes in Asio).
    static constexpr std::size_t max_write_buffers = 64;

    virtual ~subscriber_transport() = default;

    // Reads what is there now, without waiting.
    virtual read_result read(std::span<char> into) = 0;
    // True when bytes were read from the socket but not yet returned (a TLS
    // record's rest): no readiness will come for them.
    [[nodiscard]] virtual bool buffered() const noexcept = 0;

    // Writes `buffers` in order, as far as the socket takes them now, and
    // never waits. What it reports taken, it sends: a transport that must
    // offer bytes again (TLS) keeps its own copy of them.
    virtual write_result write(std::span<const boost::asio::const_buffer> buffers) = 0;
    // Bytes taken by an earlier write and not yet sent: the next write (with
    // no buffers, if need be) sends them first.
    [[nodiscard]] virtual bool holds_unsent() const noexcept = 0;
    // How many bytes one write is worth offering.
    [[nodiscard]] virtual std::size_t write_size_hint() const noexcept = 0;

    // Ends the connection; `clean`: the close handshake is done (TLS then
    // ends its stream properly too). Pending waits on socket() end.
    virtual void close(bool clean) noexcept = 0;

    // For waiting on readiness.
    [[nodiscard]] virtual boost::asio::ip::tcp::socket& socket() noexcept = 0;

  protected:
    subscriber_transport() = default;
    subscriber_transport(const subscriber_transport&) = default;
    subscriber_transport& operator=(const subscriber_transport&) = default;
};

}  // namespace hookbot::fanout
