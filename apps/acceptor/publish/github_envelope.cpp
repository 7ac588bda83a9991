#include "publish/github_envelope.hpp"

#include <nlohmann/json.hpp>

#include "hookbot/auth/base64.hpp"

namespace hookbot::acceptor {

std::string github_envelope(const boost::beast::http::fields& headers, std::string_view body) {
    auto header = [&headers](std::string_view name) { return std::string(headers[name]); };
    const auto signature_256 = headers.find("X-Hub-Signature-256");
    nlohmann::ordered_json envelope;
    envelope["Delivery"] = header("X-GitHub-Delivery");
    envelope["Event"] = header("X-GitHub-Event");
    envelope["Payload"] = auth::base64_encode(body);
    envelope["Signature"] = signature_256 != headers.end() ? std::string(signature_256->value())
                                                           : header("X-Hub-Signature");
    return envelope.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace hookbot::acceptor
