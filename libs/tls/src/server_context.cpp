#include "hookbot/tls/server_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

namespace hookbot::tls {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's "intermediate" TLS 1.2 suites: ECDHE or DHE key exchange, AEAD
// ciphers only.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
// TLS 1.3 suites in Mozilla's order, as Go's crypto/tls (the original
// hookbot's) prefers them too: AES-128-GCM first, about a third cheaper per
// byte than AES-256-GCM on both ends (OpenSSL's default order puts 256 first).
constexpr const char* tls13_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// OpenSSL's reason for the last failure, and the error queue emptied, so
// that it cannot be blamed on a later call.
std::string openssl_reason() {
    std::string reason;
    while (const unsigned long code = ::ERR_get_error()) {
        char text[256];
        ::ERR_error_string_n(code, text, sizeof text);
        if (!reason.empty()) reason += "; ";
        reason += text;
    }
    return reason.empty() ? std::string("unknown OpenSSL error") : reason;
}

[[noreturn]] void fail(std::string_view what, const std::string& file) {
    throw config_error(std::string(what) + " " + file + ": " + openssl_reason());
}

// A clear "No such file or directory" beats OpenSSL's "system lib".
void require_readable(const std::string& file, std::string_view what) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw config_error("cannot read " + std::string(what) + " " + file + ": " +
                           std::strerror(errno));
    }
}

}  // namespace

ssl::context make_server_context(const server_files& files) {
    require_readable(files.certificate, "TLS certificate");
    require_readable(files.private_key, "TLS private key");
    ::ERR_clear_error();

    ssl::context context(ssl::context::tls_server);
    SSL_CTX* native = context.native_handle();
    if (::SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
        fail("cannot require TLS 1.2 for", files.certificate);
    }
    context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                        ssl::context::single_dh_use);
    ::SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    if (::SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
        fail("cannot set the TLS 1.2 ciphers for", files.certificate);
    }
    if (::SSL_CTX_set_ciphersuites(native, tls13_ciphersuites) != 1) {
        fail("cannot set the TLS 1.3 cipher suites for", files.certificate);
    }
    // DHE suites need parameters; OpenSSL picks ones matching the key size.
    ::SSL_CTX_set_dh_auto(native, 1);

    if (::SSL_CTX_use_certificate_chain_file(native, files.certificate.c_str()) != 1) {
        fail("cannot use TLS certificate", files.certificate);
    }
    if (::SSL_CTX_use_PrivateKey_file(native, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        fail("cannot use TLS private key", files.private_key);
    }
    if (::SSL_CTX_check_private_key(native) != 1) {
        throw config_error("TLS private key " + files.private_key + " does not match certificate " +
                           files.certificate + ": " + openssl_reason());
    }
    return context;
}

}  // namespace hookbot::tls
