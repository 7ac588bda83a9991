#include "payload.hpp"

#include <cstring>

namespace hookbot::shm_ring::stress {
namespace {

std::uint64_t mix(std::uint64_t hash, std::uint64_t value) noexcept {
    hash ^= value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
    return hash * 0xff51afd7ed558ccdULL;
}

std::uint64_t check_of(std::string_view topic, const body_fields& fields) noexcept {
    std::uint64_t hash = mix(mix(mix(0x5eed, fields.seq), fields.offset), fields.length);
    for (const char c : topic) hash = mix(hash, static_cast<unsigned char>(c));
    return hash;
}

}  // namespace

payload_pool::payload_pool(std::uint64_t seed) : bytes_(2 * max_payload_bytes + 4096) {
    random_source random{seed};
    for (std::size_t i = 0; i + 8 <= bytes_.size(); i += 8) {
        const std::uint64_t word = random.next();
        std::memcpy(bytes_.data() + i, &word, 8);
    }
}

void make_body(const payload_pool& pool, std::string_view topic, body_fields fields,
               std::string& body) {
    const std::uint64_t check = check_of(topic, fields);
    body.resize(body_header_bytes + fields.length);
    char* out = body.data();
    std::memcpy(out, &fields.seq, 8);
    std::memcpy(out + 8, &fields.offset, 4);
    std::memcpy(out + 12, &fields.length, 4);
    std::memcpy(out + 16, &check, 8);
    std::memcpy(out + body_header_bytes, pool.data() + fields.offset, fields.length);
}

body_check check_body(const payload_pool& pool, std::string_view topic, std::string_view body) {
    body_check result{false, {}, nullptr};
    if (body.size() < body_header_bytes) {
        result.problem = "body shorter than its header";
        return result;
    }
    std::uint64_t check = 0;
    std::memcpy(&result.fields.seq, body.data(), 8);
    std::memcpy(&result.fields.offset, body.data() + 8, 4);
    std::memcpy(&result.fields.length, body.data() + 12, 4);
    std::memcpy(&check, body.data() + 16, 8);
    if (body.size() != body_header_bytes + result.fields.length) {
        result.problem = "body length differs from the length it carries";
    } else if (check != check_of(topic, result.fields)) {
        result.problem = "check value does not match the fields and topic";
    } else if (result.fields.offset + std::size_t{result.fields.length} > pool.size() ||
               std::memcmp(body.data() + body_header_bytes, pool.data() + result.fields.offset,
                           result.fields.length) != 0) {
        result.problem = "payload bytes differ from the pool";
    } else {
        result.intact = true;
    }
    return result;
}

}  // namespace hookbot::shm_ring::stress
