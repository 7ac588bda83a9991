#include "blob_names.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

namespace hookbot::shm_ring::detail {
namespace {

std::string blob_prefix(const std::string& instance) {
    return "hookbot." + instance + ".blob.";
}

std::optional<std::uint64_t> parse_number(std::string_view text, int base) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// "<16 hex>.<decimal>" after the prefix, and nothing else.
std::optional<blob_name_parts> parse_blob_name(std::string_view name, std::size_t prefix_bytes) {
    const std::string_view rest = name.substr(prefix_bytes);
    constexpr std::size_t epoch_digits = 16;
    if (rest.size() < epoch_digits + 2 || rest[epoch_digits] != '.') return std::nullopt;
    const auto epoch = parse_number(rest.substr(0, epoch_digits), 16);
    const auto bus_seq = parse_number(rest.substr(epoch_digits + 1), 10);
    if (!epoch || !bus_seq) return std::nullopt;
    return blob_name_parts{std::string(name), *epoch, *bus_seq};
}

}  // namespace

std::string blob_name(const std::string& instance, std::uint64_t epoch, std::uint64_t bus_seq) {
    char epoch_hex[17];
    std::snprintf(epoch_hex, sizeof epoch_hex, "%016llx", static_cast<unsigned long long>(epoch));
    return blob_prefix(instance) + epoch_hex + "." + std::to_string(bus_seq);
}

std::string blob_folder(const std::string& bus_dir) {
    return bus_dir.empty() ? shm_folder : bus_dir;
}

std::string blob_path(const std::string& folder, const std::string& name) {
    return folder + "/" + name;
}

std::vector<blob_name_parts> list_blobs(const std::string& folder, const std::string& instance) {
    const std::string prefix = blob_prefix(instance);
    std::vector<blob_name_parts> blobs;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(prefix)) continue;
        if (auto parts = parse_blob_name(name, prefix.size())) blobs.push_back(std::move(*parts));
    }
    return blobs;
}

bool remove_blob(const std::string& folder, const std::string& name) noexcept {
    return ::unlink(blob_path(folder, name).c_str()) == 0;
}

}  // namespace hookbot::shm_ring::detail
