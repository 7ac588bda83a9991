#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// Cluster mode (docs/OPERATIONS.md, "A cluster on NATS JetStream"): every
// host publishes to one JetStream stream and appends what it consumes from
// it to its own bus.
namespace hookbot::cluster {

struct cluster_options {
    // The NATS servers, nats://HOST:PORT or tls://HOST:PORT. Empty: a single
    // host, and nothing of NATS is loaded.
    std::vector<std::string> urls;
    std::string stream = "hookbot";
    // Copies of each message in the NATS cluster; 0: 3, or the cluster's
    // size when it is smaller. Used when this host creates the stream.
    unsigned replicas = 0;
    // What the stream keeps (0: no limit): the oldest go first beyond either.
    std::chrono::seconds max_age{std::chrono::hours(24 * 7)};
    std::uint64_t max_bytes = std::uint64_t{1} << 30;
    std::string credentials;  // a NATS .creds file
    std::string ca_file;      // TLS to NATS: the servers' CA
    std::string tls_cert;     // and this host's client certificate, if they ask for one
    std::string tls_key;
    // A publish JetStream has not acknowledged by then is answered 503.
    std::chrono::milliseconds publish_timeout{3000};

    [[nodiscard]] bool enabled() const noexcept { return !urls.empty(); }
    // The stream's one subject.
    [[nodiscard]] std::string subject() const { return "hookbot." + stream; }
};

// The command-line form, bound by describe() and checked by check().
class cluster_flags {
  public:
    boost::program_options::options_description describe();
    // The options, or std::invalid_argument saying which one is wrong.
    [[nodiscard]] cluster_options check() const;
    // Appends "--name value" for each option given, for the acceptor.
    void add_to(std::vector<std::string>& args) const;

  private:
    std::string urls_;
    std::string stream_ = cluster_options{}.stream;
    unsigned replicas_ = 0;
    std::uint64_t max_age_s_ = static_cast<std::uint64_t>(cluster_options{}.max_age.count());
    std::uint64_t max_bytes_ = cluster_options{}.max_bytes;
    std::string credentials_, ca_file_, tls_cert_, tls_key_;
    std::uint64_t publish_timeout_ms_ =
        static_cast<std::uint64_t>(cluster_options{}.publish_timeout.count());
};

// "nats://a:4222,nats://b:4222" split and checked (scheme nats or tls, a
// host and a port); std::invalid_argument names the first bad one.
std::vector<std::string> parse_urls(const std::string& text);

}  // namespace hookbot::cluster
