#pragma once

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>
#include <string>

// The server side of hookbot's built-in TLS: one SSL context made from a
// certificate chain and a private key in PEM files (`hookbot serve --sslcrt
// --sslkey`). Shared by `hookbot serve`, which checks the files before it
// starts anything, and the fanout workers, which terminate TLS.
namespace hookbot::tls {

struct server_files {
    std::string certificate;  // PEM: the server certificate, then any intermediates
    std::string private_key;  // PEM: its private key
};

// A file that cannot be read or used; what() names the file and gives
// OpenSSL's (or the system's) reason.
class config_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// TLS 1.2 and 1.3 only; for TLS 1.2 forward-secret AEAD suites only
// (Mozilla's "intermediate" list), the server's order preferred; no
// compression, no renegotiation. TLS 1.3 uses OpenSSL's default suites.
// Throws config_error.
boost::asio::ssl::context make_server_context(const server_files& files);

}  // namespace hookbot::tls
