#include "hookbot/limits/limit_option.hpp"

#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
#include <sstream>
#include <type_traits>

namespace hookbot::limits {
namespace po = boost::program_options;
namespace {

// Passed to children and shown in errors: for seconds the shortest text that
// reads back as the same value (a stream's default 6 digits would pass on
// 1234567 seconds as 1.23457e+06).
template <typename T>
std::string text(const T& value) {
    if constexpr (std::is_floating_point_v<T>) {
        std::array<char, 32> digits{};
        const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
        return std::string(digits.data(), end);
    } else {
        std::ostringstream out;
        out << value;
        return out.str();
    }
}

template <typename T>
void check(const limit<T>& spec, const T& value) {
    // !(a <= b) rather than a > b: a NaN given for seconds is out of range too.
    if (!(spec.least <= value) || !(value <= spec.most)) {
        throw po::error("--" + std::string(spec.name) + " must be between " + text(spec.least) +
                        " and " + text(spec.most) + ", not " + text(value));
    }
}

}  // namespace

template <typename T>
void add_option(po::options_description& options, const limit<T>& spec, T& value) {
    value = spec.default_value;
    options.add_options()(
        std::string(spec.name).c_str(),
        po::value(&value)->default_value(spec.default_value)->notifier([spec](const T& given) {
            check(spec, given);
        }),
        std::string(spec.help).c_str());
}

void add_option(po::options_description& options, const seconds_limit& spec,
                std::chrono::milliseconds& value) {
    value = to_milliseconds(spec.default_value);
    options.add_options()(std::string(spec.name).c_str(),
                          po::value<double>()
                              ->default_value(spec.default_value)
                              ->notifier([spec, &value](double given) {
                                  check(spec, given);
                                  value = to_milliseconds(given);
                              }),
                          std::string(spec.help).c_str());
}

void add_option(po::options_description& options, const choice& spec, std::string& value) {
    value = spec.default_value;
    options.add_options()(
        std::string(spec.name).c_str(),
        po::value(&value)->default_value(value)->notifier([spec](const std::string& given) {
            if (given != spec.allowed[0] && given != spec.allowed[1]) {
                throw po::error("--" + std::string(spec.name) + " must be " +
                                std::string(spec.allowed[0]) + " or " +
                                std::string(spec.allowed[1]) + ", not \"" + given + "\"");
            }
        }),
        std::string(spec.help).c_str());
}

template <typename T>
void pass_on(std::vector<std::string>& args, const limit<T>& spec, const T& value) {
    args.push_back("--" + std::string(spec.name));
    args.push_back(text(value));
}

void pass_on(std::vector<std::string>& args, const seconds_limit& spec,
             std::chrono::milliseconds value) {
    args.push_back("--" + std::string(spec.name));
    args.push_back(text(static_cast<double>(value.count()) / 1000));
}

void pass_on(std::vector<std::string>& args, const choice& spec, const std::string& value) {
    args.push_back("--" + std::string(spec.name));
    args.push_back(value);
}

// The value types limits come in (std::size_t and std::uint64_t are one of
// the last two wherever hookbot builds).
template void add_option(po::options_description&, const limit<unsigned>&, unsigned&);
template void add_option(po::options_description&, const limit<unsigned long>&, unsigned long&);
template void add_option(po::options_description&, const limit<unsigned long long>&,
                         unsigned long long&);
template void pass_on(std::vector<std::string>&, const limit<unsigned>&, const unsigned&);
template void pass_on(std::vector<std::string>&, const limit<unsigned long>&, const unsigned long&);
template void pass_on(std::vector<std::string>&, const limit<unsigned long long>&,
                      const unsigned long long&);

}  // namespace hookbot::limits
