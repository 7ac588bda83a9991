// Which request headers `?extra-metadata=request` keeps (docs/PROTOCOL.md X3).
#include "hookbot/request_metadata/kept_headers.hpp"

#include <doctest/doctest.h>

#include <string_view>

using hookbot::request_metadata::is_kept_header;

TEST_CASE("X3: the delivery, event and signature headers of the common providers travel") {
    for (const std::string_view name :
         {"Content-Type",          "content-type",
          "Content-Encoding",      "User-Agent",
          "X-GitHub-Event",        "X-GitHub-Delivery",
          "X-GitHub-Hook-ID",      "x-github-hook-installation-target-type",
          "X-Hub-Signature",       "X-Hub-Signature-256",
          "X-Gitlab-Event",        "X-Gitlab-Token",
          "X-Gitea-Signature",     "Stripe-Signature",
          "X-Slack-Signature",     "X-Slack-Request-Timestamp",
          "X-Shopify-Hmac-Sha256", "X-Shopify-Topic",
          "X-Twilio-Signature",    "X-Event-Key",
          "X-Hook-UUID",           "svix-id",
          "svix-signature",        "webhook-id",
          "webhook-timestamp",     "webhook-signature",
          "Linear-Signature",      "X-Signature-Ed25519",
          "Sentry-Hook-Signature"}) {
        CAPTURE(name);
        CHECK(is_kept_header(name));
    }
}

TEST_CASE("X3: credentials, hop-by-hop and hookbot's own headers never travel") {
    for (const std::string_view name : {"Authorization",
                                        "authorization",
                                        "Proxy-Authorization",
                                        "Cookie",
                                        "Set-Cookie",
                                        "Connection",
                                        "Keep-Alive",
                                        "Transfer-Encoding",
                                        "TE",
                                        "Trailer",
                                        "Upgrade",
                                        "Proxy-Connection",
                                        "Host",
                                        "Content-Length",
                                        "Expect",
                                        "X-Forwarded-For",
                                        "X-Hookbot-Unsafe-Is-Ok",
                                        "Accept",
                                        "X-GitHub",
                                        "X-Gitlab",
                                        "Stripe-Signatures",
                                        "webhook-ids",
                                        "",
                                        "X-Hub-Signatur"}) {
        CAPTURE(name);
        CHECK_FALSE(is_kept_header(name));
    }
}
