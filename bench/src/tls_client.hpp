#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace hookbot::bench {

// The client side of TLS for every connection of one run. It verifies
// nothing (no certificate, no host name): the bench talks to a server it
// started itself on 127.0.0.1 with a throwaway certificate, and measures
// the cost of the encryption, not of a PKI.
class tls_client_context {
  public:
    tls_client_context();

    [[nodiscard]] SSL_CTX* get() const noexcept { return context_.get(); }

  private:
    struct free_context {
        void operator()(SSL_CTX* context) const noexcept { SSL_CTX_free(context); }
    };
    std::unique_ptr<SSL_CTX, free_context> context_;
};

// OpenSSL's reasons for the last failure (its error queue, emptied), or
// `fallback` when the queue is empty.
std::string openssl_errors(const char* fallback);

}  // namespace hookbot::bench
