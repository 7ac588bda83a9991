#include "hookbot/github_router/route.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "hookbot/auth/base64.hpp"
#include "hookbot/github_router/signature.hpp"

namespace hookbot::github_router {
namespace {

using json = nlohmann::json;

// A JSON object, or nullopt for anything else (invalid JSON, another type).
std::optional<json> parse_object(std::string_view text) {
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!value.is_object()) return std::nullopt;
    return value;
}

// The string `object[name]`: "" when absent or null (as Go's decoder leaves
// a field it does not find), nullopt when of another type.
std::optional<std::string> string_field(const json& object, const char* name) {
    const auto found = object.find(name);
    if (found == object.end() || found->is_null()) return std::string();
    if (!found->is_string()) return std::nullopt;
    return found->get<std::string>();
}

// D7.4: `ref` without one leading "refs/heads/"; other refs stay whole.
std::string branch_of(std::string_view ref) {
    static constexpr std::string_view heads = "refs/heads/";
    if (ref.starts_with(heads)) ref.remove_prefix(heads.size());
    return std::string(ref);
}

// D7.2 to D7.4 on a push event's decoded payload.
decision route_push(std::string_view payload) {
    const std::optional<json> event = parse_object(payload);
    if (!event) return ignored{ignore_reason::payload_not_json};

    const auto repository = event->find("repository");
    if (repository == event->end() || !repository->is_object()) {
        return ignored{ignore_reason::no_repository};
    }
    const auto full_name = string_field(*repository, "full_name");
    if (!full_name || full_name->empty()) return ignored{ignore_reason::no_repository};

    const auto ref = string_field(*event, "ref");
    const auto after = string_field(*event, "after");
    std::optional<std::string> who = "<unknown>";
    if (const auto pusher = event->find("pusher"); pusher != event->end() && !pusher->is_null()) {
        who = pusher->is_object() ? string_field(*pusher, "name") : std::nullopt;
    }
    if (!ref || !after || !who) return ignored{ignore_reason::payload_fields_invalid};

    const std::string branch = branch_of(*ref);
    // R2: keys in this order, compact. ordered_json keeps insertion order.
    nlohmann::ordered_json update;
    update["Branch"] = branch;
    update["Repo"] = *full_name;
    update["SHA"] = *after;
    update["Type"] = "push";
    update["Who"] = *who;
    return routed{"github.com/repo/" + *full_name + "/branch/" + branch,
                  update.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

}  // namespace

decision route(std::string_view envelope_text, std::string_view secret) {
    const std::optional<json> envelope = parse_object(envelope_text);
    if (!envelope) return ignored{ignore_reason::envelope_not_json};
    const auto event = envelope->find("Event");
    const auto payload_base64 = envelope->find("Payload");
    if (event == envelope->end() || !event->is_string() || payload_base64 == envelope->end() ||
        !payload_base64->is_string()) {
        return ignored{ignore_reason::envelope_fields_missing};
    }
    const auto payload = auth::base64_decode(payload_base64->get_ref<const std::string&>());
    if (!payload) return ignored{ignore_reason::payload_not_base64};

    const auto signature = envelope->find("Signature");
    if (signature == envelope->end() || !signature->is_string() ||
        signature->get_ref<const std::string&>().empty()) {
        return rejected{reject_reason::signature_missing};
    }
    if (!signature_matches(signature->get_ref<const std::string&>(), *payload, secret)) {
        return rejected{reject_reason::signature_wrong};
    }

    if (event->get_ref<const std::string&>() != "push") return ignored{ignore_reason::not_push};
    return route_push(*payload);
}

std::string_view describe(ignore_reason reason) noexcept {
    switch (reason) {
        case ignore_reason::envelope_not_json:
            return "the message is not a JSON object";
        case ignore_reason::envelope_fields_missing:
            return "no string Event or Payload";
        case ignore_reason::payload_not_base64:
            return "Payload is not base64";
        case ignore_reason::not_push:
            return "not a push event";
        case ignore_reason::payload_not_json:
            return "the payload is not a JSON object";
        case ignore_reason::payload_fields_invalid:
            return "ref, after or pusher of a wrong type";
        case ignore_reason::no_repository:
            return "no repository.full_name";
    }
    return "ignored";
}

std::string_view describe(reject_reason reason) noexcept {
    return reason == reject_reason::signature_missing ? "signature missing" : "signature wrong";
}

}  // namespace hookbot::github_router
