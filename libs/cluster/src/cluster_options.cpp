#include "hookbot/cluster/cluster_options.hpp"

#include <boost/program_options.hpp>
#include <stdexcept>

namespace hookbot::cluster {
namespace {

namespace po = boost::program_options;

// JetStream's own rule for stream names: no whitespace, '.', '*', '>' or
// path separators; and it becomes part of a subject.
bool valid_stream_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (!letter && !digit && c != '-' && c != '_') return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> parse_urls(const std::string& text) {
    std::vector<std::string> urls;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string url = text.substr(start, comma - start);
        const std::size_t scheme_end = url.find("://");
        const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
        const std::string rest = scheme.empty() ? "" : url.substr(scheme_end + 3);
        const std::size_t colon = rest.rfind(':');
        const bool has_port = colon != std::string::npos && colon > 0 && colon + 1 < rest.size() &&
                              rest.find_first_not_of("0123456789", colon + 1) == std::string::npos;
        if ((scheme != "nats" && scheme != "tls") || !has_port) {
            throw std::invalid_argument("--cluster: \"" + url +
                                        "\" is not nats://HOST:PORT or tls://HOST:PORT");
        }
        urls.push_back(url);
        start = comma + 1;
    }
    return urls;
}

po::options_description cluster_flags::describe() {
    po::options_description d("cluster on NATS JetStream");
    // clang-format off
    d.add_options()
        ("cluster", po::value(&urls_),
            "NATS servers, nats://HOST:PORT or tls://HOST:PORT, comma-separated: publish to and "
            "consume from a JetStream stream, so that every host with the same --cluster and "
            "--cluster-stream delivers every message (default: a single host, no NATS)")
        ("cluster-stream", po::value(&stream_)->default_value(stream_),
            "the JetStream stream (created by the first host if missing); its subject is "
            "hookbot.<name>")
        ("cluster-replicas", po::value(&replicas_)->default_value(replicas_),
            "copies of each message when this host creates the stream; 0: 3, or the NATS "
            "cluster's size when smaller")
        ("cluster-max-age", po::value(&max_age_s_)->default_value(max_age_s_),
            "seconds the stream keeps a message when this host creates it (0: no limit)")
        ("cluster-max-bytes", po::value(&max_bytes_)->default_value(max_bytes_),
            "bytes the stream keeps when this host creates it, the oldest dropped first "
            "(0: no limit)")
        ("cluster-credentials", po::value(&credentials_), "NATS credentials (.creds) file")
        ("cluster-ca-file", po::value(&ca_file_), "CA certificates for TLS to NATS (PEM)")
        ("cluster-tls-cert", po::value(&tls_cert_),
            "client certificate for TLS to NATS (PEM), with --cluster-tls-key")
        ("cluster-tls-key", po::value(&tls_key_), "private key of --cluster-tls-cert (PEM)")
        ("cluster-publish-timeout", po::value(&publish_timeout_ms_)->default_value(publish_timeout_ms_),
            "milliseconds a publish waits for JetStream's acknowledgement before it is "
            "answered 503");
    // clang-format on
    return d;
}

cluster_options cluster_flags::check() const {
    cluster_options options;
    if (urls_.empty()) return options;
    options.urls = parse_urls(urls_);
    if (!valid_stream_name(stream_)) {
        throw std::invalid_argument("--cluster-stream: \"" + stream_ +
                                    "\": 1 to 64 letters, digits, '-' or '_'");
    }
    options.stream = stream_;
    if (replicas_ > 5) throw std::invalid_argument("--cluster-replicas: at most 5 (JetStream's)");
    options.replicas = replicas_;
    options.max_age = std::chrono::seconds(max_age_s_);
    options.max_bytes = max_bytes_;
    if (tls_cert_.empty() != tls_key_.empty()) {
        throw std::invalid_argument("--cluster-tls-cert and --cluster-tls-key go together");
    }
    options.credentials = credentials_;
    options.ca_file = ca_file_;
    options.tls_cert = tls_cert_;
    options.tls_key = tls_key_;
    if (publish_timeout_ms_ < 10 || publish_timeout_ms_ > 600'000) {
        throw std::invalid_argument("--cluster-publish-timeout: 10 to 600000 milliseconds");
    }
    options.publish_timeout = std::chrono::milliseconds(publish_timeout_ms_);
    return options;
}

void cluster_flags::add_to(std::vector<std::string>& args) const {
    if (urls_.empty()) return;
    const auto add = [&args](const char* name, const std::string& value) {
        if (!value.empty()) args.insert(args.end(), {name, value});
    };
    add("--cluster", urls_);
    add("--cluster-stream", stream_);
    add("--cluster-replicas", std::to_string(replicas_));
    add("--cluster-max-age", std::to_string(max_age_s_));
    add("--cluster-max-bytes", std::to_string(max_bytes_));
    add("--cluster-credentials", credentials_);
    add("--cluster-ca-file", ca_file_);
    add("--cluster-tls-cert", tls_cert_);
    add("--cluster-tls-key", tls_key_);
    add("--cluster-publish-timeout", std::to_string(publish_timeout_ms_));
}

}  // namespace hookbot::cluster
