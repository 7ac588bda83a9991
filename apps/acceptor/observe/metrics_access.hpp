#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>

// Who may read /metrics (--metrics-allow). The page names topics and load,
// so by default only this host reads it without a token.
namespace hookbot::acceptor {

enum class metrics_access {
    any,       // everyone
    loopback,  // loopback peers; others with a valid token for /metrics
    token,     // a valid token for /metrics, from anywhere
};

std::optional<metrics_access> parse_metrics_access(std::string_view name);
std::string_view metrics_access_name(metrics_access access);

enum class metrics_verdict { allow, forbidden, unauthorized };

// 127.0.0.0/8, ::1, and IPv4-mapped loopback (::ffff:127.x.y.z).
bool is_loopback(const boost::asio::ip::address& peer) noexcept;

// `peer`: the client's address (with built-in TLS, the one the worker saw);
// nullopt when unknown, which counts as not loopback.
metrics_verdict decide_metrics_access(metrics_access access,
                                      const std::optional<boost::asio::ip::address>& peer,
                                      bool token_valid) noexcept;

}  // namespace hookbot::acceptor
