#include "report.hpp"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

namespace hookbot::bench {
namespace {

double per_second(std::uint64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

double micros(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

std::int64_t lost(const load_stats& s) {
    return static_cast<std::int64_t>(s.expected) - static_cast<std::int64_t>(s.delivered);
}

}  // namespace

void print_table(std::ostream& out, const load_report& r) {
    const load_stats& s = *r.stats;
    const load_options& o = *r.options;
    const auto row = [&out](const char* name, auto value, const char* unit = "") {
        out << "  " << std::left << std::setw(24) << name << std::right << std::setw(16) << value
            << " " << unit << "\n";
    };
    out << std::fixed << std::setprecision(1);
    out << "hookbot-bench " << o.url << ": " << o.subscribers << " subscribers, "
        << (o.prefixes > 0 ? o.prefixes : o.topics) << (o.prefixes > 0 ? " prefixes" : " topics")
        << ", " << o.publishers << " publishers, rate " << o.rate << ", " << o.size << " B\n";
    row("subscribers connected", r.subscribers_connected);
    row("subscribers failed", r.subscribers_failed);
    row("connect time", r.connect_seconds, "s");
    row("published", r.published);
    row("answered 200", s.answered_ok);
    row("answered other", s.answered_other);
    row("publish errors", s.publish_errors);
    row("expected deliveries", s.expected);
    row("delivered", s.delivered);
    row("lost", lost(s), r.drained ? "" : "(drain timed out)");
    row("malformed", s.malformed);
    row("closed by server", s.closed_by_server);
    row("publishes/s", per_second(s.answered_ok + s.answered_other, r.publish_seconds));
    row("delivered msgs/s", per_second(s.delivered, r.deliver_seconds));
    row("received msgs/s", per_second(r.received_in_phase, r.wall_seconds),
        "(any, during the phase)");
    row("latency p50", micros(s.latency.quantile(0.50)), "us");
    row("latency p99", micros(s.latency.quantile(0.99)), "us");
    row("latency p99.9", micros(s.latency.quantile(0.999)), "us");
    row("latency max", micros(s.latency.max()), "us");
    row("publish rtt p50", micros(s.publish_rtt.quantile(0.50)), "us");
    row("publish rtt p99", micros(s.publish_rtt.quantile(0.99)), "us");
    row("bench cpu", r.cpu_seconds, "s");
    row("bench cpu / wall", r.wall_seconds > 0 ? 100.0 * r.cpu_seconds / r.wall_seconds : 0.0,
        "% of one core");
}

void print_json(std::ostream& out, const load_report& r) {
    const load_stats& s = *r.stats;
    const load_options& o = *r.options;
    const nlohmann::json j = {
        {"url", o.url},
        {"subscribers", o.subscribers},
        {"topics", o.topics},
        {"prefixes", o.prefixes},
        {"publishers", o.publishers},
        {"rate", o.rate},
        {"size", o.size},
        {"subscribers_connected", r.subscribers_connected},
        {"subscribers_failed", r.subscribers_failed},
        {"connect_seconds", r.connect_seconds},
        {"published", r.published},
        {"answered_ok", s.answered_ok},
        {"answered_other", s.answered_other},
        {"publish_errors", s.publish_errors},
        {"expected", s.expected},
        {"delivered", s.delivered},
        {"lost", lost(s)},
        {"drained", r.drained},
        {"malformed", s.malformed},
        {"closed_by_server", s.closed_by_server},
        {"pings", s.pings},
        {"received", s.received},
        {"publish_seconds", r.publish_seconds},
        {"deliver_seconds", r.deliver_seconds},
        {"publishes_per_s", per_second(s.answered_ok + s.answered_other, r.publish_seconds)},
        {"delivered_per_s", per_second(s.delivered, r.deliver_seconds)},
        {"received_per_s", per_second(r.received_in_phase, r.wall_seconds)},
        {"latency_us",
         {{"p50", micros(s.latency.quantile(0.50))},
          {"p99", micros(s.latency.quantile(0.99))},
          {"p99_9", micros(s.latency.quantile(0.999))},
          {"max", micros(s.latency.max())},
          {"count", s.latency.count()}}},
        {"completion_us",
         {{"p50", micros(s.completion.quantile(0.50))},
          {"p99", micros(s.completion.quantile(0.99))},
          {"max", micros(s.completion.max())},
          {"count", s.completion.count()}}},
        {"publish_rtt_us",
         {{"p50", micros(s.publish_rtt.quantile(0.50))},
          {"p99", micros(s.publish_rtt.quantile(0.99))},
          {"max", micros(s.publish_rtt.max())}}},
        {"cpu_seconds", r.cpu_seconds},
        {"wall_seconds", r.wall_seconds},
        {"cpu_percent", r.wall_seconds > 0 ? 100.0 * r.cpu_seconds / r.wall_seconds : 0.0},
    };
    out << j.dump() << "\n";
}

}  // namespace hookbot::bench
