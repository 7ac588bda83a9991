#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// What travels between the acceptor and a fanout worker over their
// SOCK_SEQPACKET control connection, one message per packet. Each message may
// carry one file descriptor (SCM_RIGHTS); which one is named per message.
namespace hookbot::handoff {

// worker → acceptor, first message on a connection. Carries the worker's
// doorbell eventfd.
struct hello {
    std::uint32_t slot = 0;  // index of the worker's slot in the bus control area
    std::int32_t pid = 0;
    // The most subscribers the worker takes (its --max-subscribers): the
    // acceptor hands none beyond it, and answers 503 when every worker is full.
    std::uint32_t max_subscribers = UINT32_MAX;
    // The epoch of the bus the worker reads. A worker of a bus since replaced
    // may still reach the acceptor of the new one (its connection waited in
    // the control socket's backlog): it is refused, not counted as joined.
    std::uint64_t bus_epoch = 0;
};

// How a subscriber receives its messages (docs/PROTOCOL.md, "Delivery
// formats").
enum class delivery_format : std::uint8_t {
    original = 0,      // websocket binary frames, byte for byte the original's
    json = 1,          // websocket text frames, one JSON envelope each (?format=json)
    event_stream = 2,  // Server-Sent Events: an HTTP response, one event per message
};

// The longest `since` handed on: longer is no id this server wrote, and is
// cut here (it then reads as unknown: a gap notice).
inline constexpr std::size_t max_since_bytes = 64;

// acceptor → worker: an authorised websocket upgrade or event stream. Carries the client
// connection's fd; the worker completes the handshake from `request_head`.
struct subscriber {
    std::string topic;         // as docs/PROTOCOL.md D3 ("/unsafe/…" for unsafe ones)
    bool recursive = false;    // topic ends in '/': framed "topic NUL body" delivery
    std::string request_head;  // the HTTP request head, serialised, ending in CRLF CRLF
    delivery_format format = delivery_format::original;
    // Where to resume (?since= or Last-Event-ID): a message id, "all" or
    // "latest"; empty for live messages only. The worker reads it.
    std::string since;
};

// With built-in TLS the workers terminate the connections and the acceptor
// still decides every request (docs/ARCHITECTURE.md, TLS):
//
//   worker ── forwarded_request{id, head, body} ──▶ acceptor  plan, auth, publish
//   worker ◀── forwarded_response{id, bytes} ─────  acceptor  the whole answer, or
//   worker ◀── forwarded_subscribe{id, topic} ────  acceptor  "finish the handshake"
//
// `id` is the worker's; the acceptor answers each request once, in order.

// worker → acceptor: one request read from a TLS connection. A body larger
// than max_inline_body travels in a sealed memfd attached to the message
// (see sealed_body.hpp) and `body` is then empty.
struct forwarded_request {
    std::uint64_t id = 0;
    std::string head;              // the request head, serialised, ending in CRLF CRLF
    std::string body;              // the whole body, decoded (no chunk framing)
    std::uint64_t body_bytes = 0;  // the body's length, inline or in the memfd
    bool body_in_memfd = false;
    // The body was not read because it is larger than the bus takes: a
    // publish gets 413, and the connection closes after the answer.
    bool body_too_large = false;
    // Bytes followed the head of a request that should have none (a
    // websocket handshake with a body, or a client sending frames early).
    bool bytes_after_head = false;
    // The worker could not read the request: its head was over the limit
    // (431), or the head or body was not HTTP (400). `head` may be empty.
    bool head_too_large = false;
    bool malformed = false;
    // The client's IP address, as text ("192.0.2.1", "::1"; empty when
    // unknown): the acceptor decides who may read /metrics by it.
    std::string peer_address;
};

// acceptor → worker: the answer to write, whole (status line to body), and
// whether the connection closes after it.
struct forwarded_response {
    std::uint64_t id = 0;
    bool close = false;
    std::string bytes;
};

// acceptor → worker: an authorised websocket handshake; the worker completes
// it on its own connection and subscribes it to `topic`.
struct forwarded_subscribe {
    std::uint64_t id = 0;
    std::string topic;
    bool recursive = false;
    delivery_format format = delivery_format::original;
    std::string since;  // as subscriber::since
};

// A worker started on its own (`hookbot-fanout --attach PATH`) knows only the
// control socket. It asks, on a connection of its own, which instance that
// is, then opens the bus, claims a slot and connects again with a hello:
//
//   worker ── attach_query ─────────────▶ acceptor
//   worker ◀── instance_description ──── acceptor   then the worker closes
//
// worker → acceptor, the only message of its connection.
struct attach_query {};

// acceptor → worker: what an attaching worker needs to join.
struct instance_description {
    std::string instance;  // the bus's name (--instance)
    // Built-in TLS: the workers accept on the public socket the supervisor
    // hands to its own children; a worker that attaches has none.
    bool workers_terminate_tls = false;
    // The folder of the bus's rings file; empty when the bus is in shared
    // memory only.
    std::string bus_dir;
};

// Draining (SIGTERM to a worker, or serve removing one):
//
//   worker ── draining ─────────────────▶ acceptor   hand me nothing more
//   worker ◀── draining_acknowledged ─── acceptor   after every handoff already sent
//
// Packets keep their order, so once the acknowledgement arrives the worker
// has every subscriber it will ever get, and can close them all with 1001.
struct draining {};
struct draining_acknowledged {};

// Cluster mode (docs/ARCHITECTURE.md, "A cluster"): a resume from an id
// older than what this host's bus retains is served from the stream, which
// retains far more:
//
//   worker ── stream_fetch{id, topic, after, through} ────────▶ acceptor
//   worker ◀── stream_messages{id, read_from, read_through} ── acceptor   + memfd
//
// worker → acceptor: the messages after the bus_seq `after_seq` up to and
// including `through_seq` that `topic` (with `recursive`) subscribes to, as
// ids (the acceptor finds the stream messages that hold them).
struct stream_fetch {
    std::uint64_t id = 0;  // the worker's, named in the answer
    std::string topic;
    bool recursive = false;
    std::uint64_t after_seq = 0;
    std::uint64_t through_seq = 0;
};

// acceptor → worker: what the stream gave. The subscription's messages among
// those read come in a sealed memfd (stream_batch.hpp) of `bytes`, attached
// when `bytes` is not 0.
struct stream_messages {
    std::uint64_t id = 0;
    // The bus_seqs read_from..read_through were read (read_through below
    // read_from: none was, the stream was out of reach). read_from past the
    // fetch's after_seq + 1: the stream no longer held those before it.
    std::uint64_t read_from = 0;
    std::uint64_t read_through = 0;
    std::uint64_t bytes = 0;
};

// The answer to `request` when nothing could be read from the stream.
inline stream_messages nothing_read(const stream_fetch& request) noexcept {
    return {request.id, request.after_seq + 1, request.after_seq, 0};
}

using message = std::variant<hello, subscriber, forwarded_request, forwarded_response,
                             forwarded_subscribe, attach_query, instance_description, draining,
                             draining_acknowledged, stream_fetch, stream_messages>;

// Largest encoded message: the head limit plus the topic limit, with room;
// and a request head plus an inline body.
inline constexpr std::size_t max_message_bytes = 128 * 1024;
// Bodies up to this size travel inside forwarded_request; larger ones in a
// memfd. Leaves max_message_bytes room for a head of up to 64 KiB.
inline constexpr std::size_t max_inline_body = 32 * 1024;

std::string encode(const message& m);
// nullopt when the bytes are not a well-formed message.
std::optional<message> decode(std::string_view bytes);

}  // namespace hookbot::handoff
