#include "hookbot/auth/base64.hpp"

#include <openssl/evp.h>

#include <climits>
#include <cstddef>

namespace hookbot::auth {
namespace {

unsigned char* writable_bytes(std::string& buffer) noexcept {
    return reinterpret_cast<unsigned char*>(buffer.data());
}

const unsigned char* bytes_of(std::string_view text) noexcept {
    return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    // EVP_EncodeBlock writes 4 digits per started 3 bytes, then a NUL.
    std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written =
        EVP_EncodeBlock(writable_bytes(encoded), bytes_of(bytes), static_cast<int>(bytes.size()));
    encoded.resize(static_cast<std::size_t>(written));
    return encoded;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0 || text.size() > INT_MAX) return std::nullopt;
    // EVP_DecodeBlock is lenient: it skips surrounding whitespace, accepts
    // '=' anywhere, and returns the padding as zero bytes. It decodes; the
    // canonical round trip below is what validates.
    std::string decoded(3 * text.size() / 4, '\0');
    const int written =
        EVP_DecodeBlock(writable_bytes(decoded), bytes_of(text), static_cast<int>(text.size()));
    if (written < 0) return std::nullopt;
    std::size_t padding = 0;
    while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
    if (padding > 2 || padding > static_cast<std::size_t>(written)) return std::nullopt;
    decoded.resize(static_cast<std::size_t>(written) - padding);
    if (base64_encode(decoded) != text) return std::nullopt;
    return decoded;
}

}  // namespace hookbot::auth
