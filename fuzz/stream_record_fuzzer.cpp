// libFuzzer target: a message consumed from the cluster's JetStream stream
// (apps/acceptor/cluster/stream_payload.hpp). Anyone who may publish to NATS
// can put any bytes on the stream's subject; a cluster host must decode them
// into a record that lies within them, or refuse them, never read past them.
// A record it accepts encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/stream_payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto record = hookbot::acceptor::decode_stream_record(input);
    if (!record) return 0;
    const auto within = [input](std::string_view part) {
        return part.data() >= input.data() &&
               part.data() + part.size() <= input.data() + input.size();
    };
    if (!within(record->topic) || !within(record->body)) std::abort();
    if (hookbot::acceptor::encode_stream_record(*record) != input) std::abort();
    return 0;
}
