// libFuzzer target: a message consumed from the cluster's JetStream stream
// (apps/acceptor/cluster/stream_payload.hpp). Anyone who may publish to NATS
// can put any bytes on the stream's subject; a cluster host must decode them
// into records that lie within them, or refuse them, never read past them.
// A message it accepts encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/stream_payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hookbot::acceptor;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto message = decode_stream_message(input);
    if (!message) return 0;
    const auto within = [input](std::string_view part) {
        return part.data() >= input.data() &&
               part.data() + part.size() <= input.data() + input.size();
    };
    stream_message_builder again(message->publish_id);
    for (const stream_record& record : message->records) {
        if (!within(record.topic) || !within(record.body)) std::abort();
        if (!again.add(record, input.size())) std::abort();
    }
    if (again.data() != input) std::abort();
    return 0;
}
