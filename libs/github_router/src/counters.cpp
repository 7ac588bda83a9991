#include "hookbot/github_router/counters.hpp"

namespace hookbot::github_router {

void counters::count(const decision& outcome) noexcept {
    ++messages;
    if (const auto* refused = std::get_if<rejected>(&outcome)) {
        ++(refused->reason == reject_reason::signature_missing ? rejected_signature_missing
                                                               : rejected_signature_wrong);
    } else if (const auto* skipped = std::get_if<ignored>(&outcome)) {
        switch (skipped->reason) {
            case ignore_reason::not_push:
                ++ignored_not_push;
                break;
            case ignore_reason::no_repository:
                ++ignored_no_repository;
                break;
            default:
                ++ignored_malformed;
                break;
        }
    }
}

}  // namespace hookbot::github_router
