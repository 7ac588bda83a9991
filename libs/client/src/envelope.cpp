#include "hookbot/client/envelope.hpp"

#include <nlohmann/json.hpp>

#include "hookbot/auth/base64.hpp"
#include "hookbot/utf8/validator.hpp"

namespace hookbot::client {
namespace {

// Ordered: a kept request's headers keep the order the server gave them.
using json = nlohmann::ordered_json;

// The string member `name` of `object`, or nullptr when absent or not a string.
const std::string* string_member(const json& object, const char* name) {
    const auto found = object.find(name);
    if (found == object.end() || !found->is_string()) return nullptr;
    return found->get_ptr<const std::string*>();
}

envelope parse_gap(const json& gap) {
    if (!gap.is_object()) return malformed_envelope{"\"gap\" is not an object"};
    const std::string* since = string_member(gap, "since");
    const std::string* reason = string_member(gap, "reason");
    if (since == nullptr) return malformed_envelope{"gap notice without a string \"since\""};
    return gap_notice{*since, reason != nullptr ? *reason : std::string("(no reason given)")};
}

// X3's "request": {"method":…,"query":…,"headers":{name: value, …}}, every
// value a string. Anything else makes the whole message malformed: a
// forwarder must not replay a request it only half understood.
std::optional<original_request> parse_request(const json& object) {
    if (!object.is_object()) return std::nullopt;
    const std::string* method = string_member(object, "method");
    const std::string* query = string_member(object, "query");
    const auto headers = object.find("headers");
    if (method == nullptr || method->empty() || query == nullptr || headers == object.end() ||
        !headers->is_object()) {
        return std::nullopt;
    }
    original_request request{*method, *query, {}};
    for (const auto& [name, value] : headers->items()) {
        if (!value.is_string() || name.empty()) return std::nullopt;
        request.headers.emplace_back(name, value.get<std::string>());
    }
    return request;
}

envelope parse_message(const json& object) {
    const std::string* id = string_member(object, "id");
    const std::string* topic = string_member(object, "topic");
    if (id == nullptr || id->empty()) return malformed_envelope{"no string \"id\""};
    if (topic == nullptr) return malformed_envelope{"no string \"topic\""};
    const std::string* body = string_member(object, "body");
    const std::string* body_b64 = string_member(object, "body_b64");
    if ((body == nullptr) == (body_b64 == nullptr)) {
        return malformed_envelope{"needs exactly one of string \"body\" and \"body_b64\""};
    }
    std::optional<original_request> request;
    if (const auto kept = object.find("request"); kept != object.end()) {
        request = parse_request(*kept);
        if (!request) {
            return malformed_envelope{
                "\"request\" is not {\"method\",\"query\",\"headers\"} of strings"};
        }
    }
    if (body != nullptr) return watch_message{*id, *topic, *body, std::move(request)};
    auto decoded = auth::base64_decode(*body_b64);
    if (!decoded) return malformed_envelope{"\"body_b64\" is not standard padded base64"};
    return watch_message{*id, *topic, std::move(*decoded), std::move(request)};
}

}  // namespace

envelope parse_envelope(std::string_view text) {
    const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) return malformed_envelope{"not JSON"};
    if (!object.is_object()) return malformed_envelope{"not a JSON object"};
    if (const auto gap = object.find("gap"); gap != object.end()) return parse_gap(*gap);
    return parse_message(object);
}

envelope parse_binary_frame(std::string payload, std::string_view subscribed_topic,
                            bool recursive) {
    if (!recursive)
        return watch_message{std::nullopt, std::string(subscribed_topic), std::move(payload)};
    const auto nul = payload.find('\0');
    if (nul == std::string::npos) {
        return malformed_envelope{"a recursive subscription's binary frame without \"topic NUL\""};
    }
    std::string topic = payload.substr(0, nul);
    payload.erase(0, nul + 1);
    return watch_message{std::nullopt, std::move(topic), std::move(payload)};
}

// The server's key order (id, topic, body), which a reader may rely on.
std::string envelope_json(const watch_message& message) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["id"] =
        message.id ? nlohmann::ordered_json(*message.id) : nlohmann::ordered_json(nullptr);
    // A topic comes from a percent-decoded path and may hold any byte.
    if (utf8::is_valid(message.topic)) {
        object["topic"] = message.topic;
    } else {
        object["topic_b64"] = auth::base64_encode(message.topic);
    }
    if (message.request) {
        auto& request = object["request"];
        request["method"] = message.request->method;
        request["query"] = message.request->query;
        request["headers"] = nlohmann::ordered_json::object();
        for (const auto& [name, value] : message.request->headers) request["headers"][name] = value;
    }
    if (utf8::is_valid(message.body)) {
        object["body"] = message.body;
    } else {
        object["body_b64"] = auth::base64_encode(message.body);
    }
    return object.dump();
}

std::string envelope_json(const gap_notice& gap) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["gap"]["since"] = gap.since;
    object["gap"]["reason"] = gap.reason;
    return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace hookbot::client
