#include "tls_client.hpp"

#include <openssl/err.h>

#include <stdexcept>

namespace hookbot::bench {

tls_client_context::tls_client_context() : context_(SSL_CTX_new(TLS_client_method())) {
    if (!context_) throw std::runtime_error("SSL_CTX_new: " + openssl_errors("failed"));
    SSL_CTX* context = context_.get();
    if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1) {
        throw std::runtime_error("TLS 1.2 minimum: " + openssl_errors("failed"));
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
    // A whole record, or several, per read(2): the stream then drains what
    // OpenSSL buffered before it waits on epoll again.
    SSL_CTX_set_read_ahead(context, 1);
    SSL_CTX_set_default_read_buffer_len(context, 64 * 1024);
    // No session cache: every connection is a full handshake, as for a
    // fleet of distinct subscribers.
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(context, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
    // A server that closes without close_notify has simply closed.
    SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
}

std::string openssl_errors(const char* fallback) {
    std::string reasons;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        if (!reasons.empty()) reasons += "; ";
        reasons += text;
    }
    return reasons.empty() ? std::string(fallback) : reasons;
}

}  // namespace hookbot::bench
