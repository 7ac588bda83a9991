#include "observe/metrics_access.hpp"

namespace hookbot::acceptor {

std::optional<metrics_access> parse_metrics_access(std::string_view name) {
    if (name == "any") return metrics_access::any;
    if (name == "loopback") return metrics_access::loopback;
    if (name == "token") return metrics_access::token;
    return std::nullopt;
}

std::string_view metrics_access_name(metrics_access access) {
    switch (access) {
        case metrics_access::any:
            return "any";
        case metrics_access::loopback:
            return "loopback";
        case metrics_access::token:
            return "token";
    }
    return "?";
}

bool is_loopback(const boost::asio::ip::address& peer) noexcept {
    if (peer.is_v4()) return peer.to_v4().is_loopback();
    const auto v6 = peer.to_v6();
    if (v6.is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
    }
    return v6.is_loopback();
}

metrics_verdict decide_metrics_access(metrics_access access,
                                      const std::optional<boost::asio::ip::address>& peer,
                                      bool token_valid) noexcept {
    switch (access) {
        case metrics_access::any:
            return metrics_verdict::allow;
        case metrics_access::loopback:
            return token_valid || (peer && is_loopback(*peer)) ? metrics_verdict::allow
                                                               : metrics_verdict::forbidden;
        case metrics_access::token:
            return token_valid ? metrics_verdict::allow : metrics_verdict::unauthorized;
    }
    return metrics_verdict::forbidden;
}

}  // namespace hookbot::acceptor
