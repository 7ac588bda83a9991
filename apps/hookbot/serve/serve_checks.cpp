#include "serve/serve_checks.hpp"

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "serve/serve_keys.hpp"

namespace hookbot::serve {
namespace {

// The one value of an option that has two spellings; throws when both are
// given and disagree.
std::string either(const std::string& a, const char* a_name, const std::string& b,
                   const char* b_name) {
    if (!a.empty() && !b.empty() && a != b) {
        throw std::invalid_argument(std::string(a_name) + " and " + b_name +
                                    " name different files");
    }
    return a.empty() ? b : a;
}

// The TLS files, or nullopt for plain HTTP. Loads them once here, so that a
// missing, unreadable or invalid file stops serve before anything starts,
// with the file's name and OpenSSL's reason. Throws.
std::optional<tls::server_files> tls_files(const serve_options& o) {
    tls::server_files files{either(o.sslcrt, "--sslcrt", o.tls_cert, "--tls-cert"),
                            either(o.sslkey, "--sslkey", o.tls_key, "--tls-key")};
    if (files.certificate.empty() && files.private_key.empty()) return std::nullopt;
    if (files.certificate.empty() || files.private_key.empty()) {
        throw std::invalid_argument(
            std::string("TLS needs both --sslcrt/--tls-cert and --sslkey/--tls-key; only the ") +
            (files.certificate.empty() ? "key" : "certificate") + " was given");
    }
    for (auto* path : {&files.certificate, &files.private_key}) {
        // Workers load them again, and on SIGHUP, perhaps from another directory.
        std::error_code ec;
        const auto absolute = std::filesystem::absolute(*path, ec);
        if (!ec) *path = absolute.string();
    }
    static_cast<void>(tls::make_server_context(files));
    return files;
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed) {
        if (value == a) return true;
    }
    return false;
}

// Throws std::invalid_argument; returns whether the GitHub router is on.
bool check_options(const serve_options& options, const std::string& github_secret) {
    if (!is_one_of(options.token_hash, {"any", "sha256", "sha1"})) {
        throw std::invalid_argument("--token-hash must be any, sha256 or sha1");
    }
    if (!is_one_of(options.metrics_allow, {"any", "loopback", "token"})) {
        throw std::invalid_argument("--metrics-allow must be any, loopback or token");
    }
    if (!is_one_of(options.ui, {"on", "off"})) {
        throw std::invalid_argument("--ui must be on or off");
    }
    options.limits.check();
    if (options.workers == 0 || options.workers > options.bus.worker_slots) {
        throw std::invalid_argument("--workers must be between 1 and " +
                                    std::to_string(options.bus.worker_slots) +
                                    " (the bus's worker slots)");
    }
    bool github_router = false;
    for (const std::string& router : options.routers) {
        if (router != "github") {
            throw std::invalid_argument("unknown --router \"" + router + "\" (known: github)");
        }
        github_router = true;
    }
    // R1: the router accepts only signed messages; without a secret it
    // could route nothing, so refuse rather than run a router that drops all.
    if (github_router && github_secret.empty()) {
        throw std::invalid_argument(
            "--router github needs the GitHub secret: set HOOKBOT_GITHUB_SECRET or "
            "--github-secret");
    }
    return github_router;
}

}  // namespace

std::optional<checked_serve> validate(const serve_options& options,
                                      const auth::key_flags& key_flags,
                                      const std::string& github_secret) {
    std::optional<auth::key_source> keys = serving_key_source(key_flags);
    if (!keys) return std::nullopt;
    try {
        const bool github_router = check_options(options, github_secret);
        return checked_serve{std::move(*keys), tls_files(options), github_router,
                             options.cluster.check()};
    } catch (const std::exception& e) {
        std::cerr << "hookbot serve: " << e.what() << "\n";
        return std::nullopt;
    }
}

}  // namespace hookbot::serve
