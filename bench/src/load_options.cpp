#include "load_options.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>

namespace hookbot::bench {

namespace po = boost::program_options;

std::optional<load_options> parse_load_options(int argc, char** argv, int& exit_code) {
    exit_code = 2;
    load_options o;
    if (const char* key = std::getenv("HOOKBOT_KEY")) o.key = key;
    po::options_description desc(
        "hookbot-bench [options]: load generator (see also `hookbot-bench limit --help`)");
    desc.add_options()("help,h", "this text")(
        "url", po::value(&o.url)->default_value(o.url),
        "server, http://HOST:PORT (IPv4); https://HOST:PORT: subscribers use wss and "
        "publishers https, with NO certificate or host name verification (for a server "
        "of your own on 127.0.0.1)")("key", po::value(&o.key),
                                     "HOOKBOT_KEY for Bearer tokens (default: $HOOKBOT_KEY)")(
        "topic-base", po::value(&o.topic_base)->default_value(o.topic_base), "topics are BASE/<i>")(
        "subscribers,s", po::value(&o.subscribers)->default_value(o.subscribers),
        "websocket subscribers")("topics,t", po::value(&o.topics)->default_value(o.topics),
                                 "topics; subscriber i takes topic i % T")(
        "prefixes", po::value(&o.prefixes)->default_value(o.prefixes),
        "recursive: subscribe to BASE/p<i>/, publish to BASE/p<i>/a/b/c (overrides --topics)")(
        "publishers,p", po::value(&o.publishers)->default_value(o.publishers),
        "keep-alive publishing connections, one request in flight each (0: hold subscribers idle)")(
        "rate,r", po::value(&o.rate)->default_value(o.rate),
        "publishes/s in all; 0: as fast as answered")(
        "size", po::value(&o.size)->default_value(o.size), "body bytes (min 16)")(
        "duration,d", po::value(&o.duration)->default_value(o.duration),
        "seconds to publish (measured)")(
        "messages,n", po::value(&o.messages)->default_value(o.messages),
        "stop after N measured publishes")("warmup", po::value(&o.warmup)->default_value(o.warmup),
                                           "seconds of unmeasured publishing first")(
        "drain", po::value(&o.drain)->default_value(o.drain),
        "seconds to wait for deliveries at the end")(
        "connect-rate", po::value(&o.connect_rate)->default_value(o.connect_rate),
        "subscriber connects/s")("connect-window",
                                 po::value(&o.connect_window)->default_value(o.connect_window),
                                 "subscriber handshakes in flight at once")(
        "connect-timeout", po::value(&o.connect_timeout)->default_value(o.connect_timeout),
        "seconds for all subscribers to get their 101")(
        "source-addresses", po::value(&o.source_addresses)->default_value(o.source_addresses),
        "spread subscribers over 127.0.0.1..N (more ephemeral ports)")(
        "pin", po::value(&o.pin), "CPU list to pin the bench to, e.g. 1 or 2-3")(
        "since", po::value(&o.since),
        "resume: every subscription asks for ?since=ID (a message id, all or latest)")(
        "expect", po::value(&o.expect)->default_value(o.expect),
        "record each subscriber's time from its 101 to its Nth message (0: off)")(
        "json", po::bool_switch(&o.json), "print one JSON object instead of the table");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "hookbot-bench: " << e.what() << "\n" << desc;
        return std::nullopt;
    }
    if (vm.count("help") != 0) {
        std::cout << desc;
        exit_code = 0;
        return std::nullopt;
    }
    if (o.size < 16) o.size = 16;
    if (o.topics == 0) o.topics = 1;
    if (o.source_addresses == 0) o.source_addresses = 1;
    return o;
}

}  // namespace hookbot::bench
