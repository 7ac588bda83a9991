#include "serve/serve_options.hpp"

#include <sched.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <thread>

#include "hookbot/limits/limit_option.hpp"

namespace hookbot::serve {
namespace {

namespace po = boost::program_options;

// One worker per core this process may run on, less one: the acceptor and
// the kernel's network work need a core as well. On 2 cores one worker
// delivers a third more than two (bench/RESULTS.md).
unsigned default_workers() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    const int cores = ::sched_getaffinity(0, sizeof allowed, &allowed) == 0
                          ? CPU_COUNT(&allowed)
                          : static_cast<int>(std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::max(1, cores - 1));
}

}  // namespace

po::options_description describe(serve_options& o) {
    // The bus has a slot per worker: a host with more cores than slots gets
    // as many workers as there are slots.
    o.workers = std::min(default_workers(), o.bus.worker_slots);
    po::options_description d("hookbot serve options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(), "show this help")
        ("bind,b", po::value(&o.bind)->default_value(o.bind),
            "address to listen on, [HOST]:PORT; ignored when systemd passes the socket "
            "(LISTEN_FDS, hookbot.socket)")
        ("workers", po::value(&o.workers)->default_value(o.workers),
            "fanout worker processes (default: one per core, less one for the acceptor)")
        ("token-hash", po::value(&o.token_hash)->default_value(o.token_hash),
            "tokens accepted: any, sha256, or sha1 (the original before v0.19)")
        ("metrics-allow", po::value(&o.metrics_allow)->default_value(o.metrics_allow),
            "who may read /metrics: any; loopback (this host, others with a token for "
            "/metrics); token (a token for /metrics)")
        ("ui", po::value(&o.ui)->default_value(o.ui),
            "the inspector page under /ui/, which shows a topic's webhooks as they arrive: on "
            "or off (off: /ui/... are root-endpoint topics, as in the original)")
        ("instance", po::value(&o.instance),
            "name of the shared-memory bus (default: derived from --bind, so two instances on one "
            "host never meet)")
        ("control-socket", po::value(&o.control_socket),
            "Unix socket where workers join (default: $RUNTIME_DIRECTORY/control.sock, else "
            "/tmp/hookbot.<instance>.sock)")
        ("shards", po::value(&o.bus.shards)->default_value(o.bus.shards), "rings in the bus")
        ("bus-dir", po::value(&o.bus.dir),
         "keep the bus's rings in a file in this folder (default: shared memory only): a "
         "restart reopens it, and subscribers resume across it")
        ("ring-bytes", po::value(&o.bus.ring_bytes)->default_value(o.bus.ring_bytes),
            "bytes per ring, a power of two")
        ("max-body", po::value(&o.bus.max_body_bytes)->default_value(o.bus.max_body_bytes),
            "largest publish body in bytes (larger ones get 413); default 25 MiB, GitHub's "
            "largest webhook")
        ("blob-threshold",
            po::value(&o.bus.max_inline_body_bytes)->default_value(o.bus.max_inline_body_bytes),
            "bodies larger than this many bytes travel in a shared-memory blob of their own, "
            "not in a ring")
        ("blob-budget",
            po::value(&o.bus.blob_budget_bytes)->default_value(o.bus.blob_budget_bytes),
            "bytes all blobs together may hold (at least twice --max-body); a blob stays while "
            "its message is retained, and the oldest are unlinked beyond it")
        ("sslcrt,c", po::value(&o.sslcrt),
            "TLS certificate chain (PEM); with --sslkey, the port speaks TLS only")
        ("sslkey,k", po::value(&o.sslkey), "TLS private key (PEM) of --sslcrt")
        ("tls-cert", po::value(&o.tls_cert), "the same as --sslcrt")
        ("tls-key", po::value(&o.tls_key), "the same as --sslkey")
        ("router", po::value(&o.routers)->composing(),
            "enable a router (repeatable; default: none): github routes signed pushes "
            "published to /unsafe/pub/github.com/... to github.com/repo/<repo>/branch/<branch>; "
            "needs --github-secret or $HOOKBOT_GITHUB_SECRET");
    // clang-format on
    limits::add_option(d, limits::retention_age, o.retention_age);
    d.add(o.limits.describe());
    d.add(o.flow.describe());
    d.add(o.cluster.describe());
    return d;
}

}  // namespace hookbot::serve
