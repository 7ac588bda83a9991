#include "hookbot/request_metadata/kept_headers.hpp"

#include <algorithm>
#include <array>
#include <boost/algorithm/string/predicate.hpp>

namespace hookbot::request_metadata {
namespace {

using namespace std::string_view_literals;

// clang-format off
// Whole names.
constexpr std::array exact_names = {
    "Content-Type"sv,
    "Content-Encoding"sv,
    "User-Agent"sv,
    "X-Event-Key"sv,            // Bitbucket Cloud
    "X-Hook-UUID"sv,            // Bitbucket Cloud
    "X-Request-UUID"sv,         // Bitbucket Cloud
    "X-Attempt-Number"sv,       // Bitbucket Cloud
    "Stripe-Signature"sv,
    "Paddle-Signature"sv,
    "Typeform-Signature"sv,
    "X-Hook-Signature"sv,       // Asana
    "X-Webhook-Signature"sv,    // Netlify and others
    "X-Webhook-Id"sv,           // PagerDuty and others
    "X-Signature-Ed25519"sv,    // Discord
    "X-Signature-Timestamp"sv,  // Discord
    "webhook-id"sv,             // Standard Webhooks
    "webhook-timestamp"sv,      // Standard Webhooks
    "webhook-signature"sv,      // Standard Webhooks
};

// Families: every name that starts with one of these.
constexpr std::array prefixes = {
    "X-GitHub-"sv,        // X-GitHub-Event, -Delivery, -Hook-ID, …
    "X-Hub-Signature"sv,  // GitHub, Bitbucket Server, Intercom; -256 too
    "X-Gitlab-"sv,        // X-Gitlab-Event, -Token, -Event-UUID, …
    "X-Gitea-"sv,
    "X-Gogs-"sv,
    "X-Slack-"sv,         // X-Slack-Signature, -Request-Timestamp, -Retry-Num
    "X-Shopify-"sv,       // X-Shopify-Hmac-Sha256, -Topic, -Webhook-Id, …
    "X-Twilio-"sv,        // X-Twilio-Signature, SendGrid's event webhook
    "X-Square-"sv,        // X-Square-Hmacsha256-Signature
    "X-Zm-"sv,            // Zoom: x-zm-signature, x-zm-request-timestamp
    "X-Vercel-"sv,
    "X-DocuSign-"sv,
    "X-Atlassian-"sv,     // Jira, Confluence
    "X-PagerDuty-"sv,
    "Linear-"sv,          // Linear-Delivery, -Event, -Signature
    "Sentry-Hook-"sv,
    "Svix-"sv,            // svix-id, svix-timestamp, svix-signature
    "CircleCI-"sv,
};
// clang-format on

}  // namespace

bool is_kept_header(std::string_view name) {
    return std::ranges::any_of(
               exact_names, [name](std::string_view kept) { return boost::iequals(name, kept); }) ||
           std::ranges::any_of(prefixes, [name](std::string_view prefix) {
               return boost::istarts_with(name, prefix);
           });
}

}  // namespace hookbot::request_metadata
