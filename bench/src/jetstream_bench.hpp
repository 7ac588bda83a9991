#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hookbot::bench {

// `hookbot-bench jetstream`: JetStream's own figures on a NATS cluster with
// the C client hookbot's cluster mode uses (libnats): acknowledged publishes/s
// with many in flight (js_PublishAsync) and one synchronous publish's round
// trip (js_Publish). The reference hookbot's cluster figures are measured
// against (bench/run cluster).
struct jetstream_options {
    std::string servers = "nats://127.0.0.1:4222";  // comma-separated nats:// URLs
    std::string stream = "hookbot-bench";
    std::string subject;  // default "bench.<stream>"
    // When the stream does not exist it is created with these (like hookbot's:
    // limits retention, file storage); 0 replicas: it must exist.
    int replicas = 3;
    std::string storage = "file";
    std::string mode = "both";    // async, sync or both (async first)
    std::size_t in_flight = 256;  // async: most publishes unacknowledged at once
    std::size_t size = 1024;      // body bytes (at least 16: send time + sequence)
    double duration = 10;         // measured seconds, per mode
    std::uint64_t messages = 0;   // >0: at most this many measured publishes, per mode
    double warmup = 1;            // seconds published but not measured, per mode
    double drain = 10;            // seconds to wait for the last acknowledgments
    double ack_timeout = 5;       // seconds one publish may wait for its acknowledgment
    bool delete_stream = false;   // delete the stream at the end
    // natsOptions_SetSendAsap: every publish written at once, not after the
    // client's flusher thread waited up to 1 ms for more to batch.
    bool send_asap = false;
    // Readers of the whole stream while it is published to, each an ordered
    // push consumer on a connection of its own, as every hookbot host of a
    // cluster runs one: what they cost the stream's publishes.
    std::size_t consumers = 0;
    std::string pin;
    bool json = false;
};

// Parses argv (argv[0] is "jetstream"); nothing on --help (exit_code 0) or a
// bad option (exit_code 2).
std::optional<jetstream_options> parse_jetstream_options(int argc, char** argv, int& exit_code);

// Runs the subcommand; its exit status: 0, 1 when a publish failed or was
// never acknowledged, 2 when the stream could not be reached or made.
int run_jetstream(int argc, char** argv);

}  // namespace hookbot::bench
