#include "observe/prometheus_text.hpp"

#include <cassert>
#include <vector>

namespace hookbot::acceptor {

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string seconds_from_us(std::uint64_t us) {
    std::string text = std::to_string(us / 1'000'000);
    std::string fraction = std::to_string(us % 1'000'000);
    fraction.insert(0, 6 - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (!fraction.empty()) text += "." + fraction;
    return text;
}

void prometheus_text::family(std::string_view name, std::string_view type, std::string_view help) {
    assert(type != "counter" || name.ends_with("_total"));
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void prometheus_text::write_labels(std::span<const label> set) {
    if (set.empty()) return;
    out_ += '{';
    bool first = true;
    for (const label& l : set) {
        if (!first) out_ += ',';
        first = false;
        out_ += l.name;
        out_ += "=\"";
        out_ += escape_label_value(l.value);
        out_ += '"';
    }
    out_ += '}';
}

void prometheus_text::sample(std::string_view name, std::span<const label> labels,
                             std::uint64_t value) {
    out_ += name;
    write_labels(labels);
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
}

void prometheus_text::sample(std::string_view name, std::initializer_list<label> labels,
                             std::uint64_t value) {
    sample(name, std::span<const label>(labels.begin(), labels.size()), value);
}

void prometheus_text::counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "counter", help);
    sample(name, {}, value);
}

void prometheus_text::counter_us(std::string_view name, std::string_view help,
                                 std::uint64_t value_us) {
    family(name, "counter", help);
    seconds_sample(name, value_us);
}

void prometheus_text::gauge_us(std::string_view name, std::string_view help,
                               std::uint64_t value_us) {
    family(name, "gauge", help);
    seconds_sample(name, value_us);
}

void prometheus_text::seconds_sample(std::string_view name, std::uint64_t value_us) {
    out_ += name;
    out_ += ' ';
    out_ += seconds_from_us(value_us);
    out_ += '\n';
}

void prometheus_text::gauge(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "gauge", help);
    sample(name, {}, value);
}

void prometheus_text::histogram_us(std::string_view name, std::string_view help,
                                   std::span<const std::uint32_t> upper_bounds_us,
                                   std::span<const std::uint64_t> buckets, std::uint64_t sum_us) {
    assert(buckets.size() == upper_bounds_us.size() + 1);
    family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        cumulative += buckets[i];
        const std::string le =
            i < upper_bounds_us.size() ? seconds_from_us(upper_bounds_us[i]) : "+Inf";
        sample(bucket, {{"le", le}}, cumulative);
    }
    out_ += name;
    out_ += "_sum ";
    out_ += seconds_from_us(sum_us);
    out_ += '\n';
    sample(std::string(name) + "_count", {}, cumulative);
}

}  // namespace hookbot::acceptor
