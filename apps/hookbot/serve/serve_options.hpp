#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "hookbot/cluster/cluster_options.hpp"
#include "hookbot/limits/retention_limits.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "serve/flow_options.hpp"
#include "serve/limit_options.hpp"

namespace hookbot::serve {

// `hookbot serve`'s command line, as given (serve_plan checks it).
struct serve_options {
    std::string bind = ":8080";
    unsigned workers = 1;  // describe() sets the default: one per core, less one
    std::string instance;
    std::string control_socket;
    shm_ring::bus_options bus;
    // Resumes replay nothing older (0: whatever the rings hold); the workers'.
    std::chrono::milliseconds retention_age = limits::default_milliseconds(limits::retention_age);
    std::string token_hash = "any";  // docs/PROTOCOL.md T1: both hashes, or only one
    std::string metrics_allow = "loopback";
    std::string ui = "on";  // the inspector page under /ui/: on or off
    // docs/PROTOCOL.md C1: --sslcrt/-c and --sslkey/-k, also spelled
    // --tls-cert and --tls-key. TLS when both are set.
    std::string sslcrt, tls_cert, sslkey, tls_key;
    std::vector<std::string> routers;  // docs/PROTOCOL.md C1, D7: --router github
    limit_options limits;
    flow_options flow;
    cluster::cluster_flags cluster;  // --cluster and its options (NATS JetStream)
};

// The options, bound to `o`, for `hookbot serve --help` and the parse.
boost::program_options::options_description describe(serve_options& o);

}  // namespace hookbot::serve
