#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

// The Prometheus text exposition format, version 0.0.4: one `# HELP` and one
// `# TYPE` line per family, then its samples. Only what the metrics page
// needs: counters, gauges and histograms with integer values (a histogram's
// sum may be fractional), label values escaped.
namespace hookbot::acceptor {

class prometheus_text {
  public:
    struct label {
        std::string_view name;
        std::string_view value;
    };

    // Starts a family. `type` is "counter", "gauge" or "histogram"; a
    // counter's name ends in "_total".
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value);
    void sample(std::string_view name, std::span<const label> labels, std::uint64_t value);

    // A family with one unlabelled sample.
    void counter(std::string_view name, std::string_view help, std::uint64_t value);
    void gauge(std::string_view name, std::string_view help, std::uint64_t value);
    // A counter of microseconds, shown in seconds (the base unit).
    void counter_us(std::string_view name, std::string_view help, std::uint64_t value_us);
    // A gauge of microseconds, shown in seconds.
    void gauge_us(std::string_view name, std::string_view help, std::uint64_t value_us);

    // A histogram whose observations are microseconds and whose unit is the
    // second. `buckets` are per-bucket (not cumulative) counts, one per bound
    // and a last one above every bound.
    void histogram_us(std::string_view name, std::string_view help,
                      std::span<const std::uint32_t> upper_bounds_us,
                      std::span<const std::uint64_t> buckets, std::uint64_t sum_us);

    [[nodiscard]] const std::string& text() const noexcept { return out_; }
    std::string take() noexcept { return std::move(out_); }

  private:
    void write_labels(std::span<const label> set);
    void seconds_sample(std::string_view name, std::uint64_t value_us);
    std::string out_;
};

// Label values escape backslash, double quote and newline; HELP text escapes
// backslash and newline (the format's rules).
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// Microseconds as seconds in plain decimal: 50 → "0.00005", 2500000 → "2.5".
std::string seconds_from_us(std::uint64_t us);

}  // namespace hookbot::acceptor
