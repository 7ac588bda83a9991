#pragma once

#include <string_view>

#include "cluster/stream_link.hpp"

// JetStream's answer to a publish, read by the link itself (the NATS
// client's own reader of it runs on the client's threads, and the link
// reads its replies on the acceptor's: nats/nats_stream_link.cpp). Without
// a NATS type, so that it is tested without NATS.
namespace hookbot::acceptor {

// Fills `ack.seq` from JetStream's PubAck (`{"stream":"s","seq":N,...}`) or
// `ack.error` from its error (`{"error":{"code":C,"description":"..."}}`),
// leaving `ack.id` alone. `status` is the reply's Status header, empty
// without one: a reply without data carries only that (a 503 with no data
// is "no responders", which the caller sees first).
void read_pub_ack(std::string_view data, std::string_view status, publish_ack& ack);

}  // namespace hookbot::acceptor
