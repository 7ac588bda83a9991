#include "hookbot/token_cli/verify_token.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstddef>
#include <optional>
#include <ostream>

#include "hookbot/auth/verifier.hpp"
#include "hookbot/routing/route.hpp"
#include "tool_arguments.hpp"
#include "tool_keys.hpp"
#include "uri_reference.hpp"

namespace hookbot::token_cli {
namespace {

namespace po = boost::program_options;

struct verify_options {
    auth::key_flags key;
    std::optional<std::string> token;  // else the URL's user name
    std::string url;
};

po::options_description verify_option_description() {
    po::options_description options("Options");
    options.add_options()("key", po::value<std::string>(),
                          "the server's secret (default: $HOOKBOT_KEY)")(
        "key-file", po::value<std::string>(),
        "a file of keys, one per line, all tried (default: $HOOKBOT_KEY_FILE, else "
        "$CREDENTIALS_DIRECTORY/hookbot-key)")("token", po::value<std::string>(),
                                               "the token to check (default: the URL's user name)");
    return options;
}

void print_verify_usage(std::ostream& stream, std::string_view program) {
    stream << "usage: " << program << " verify [options] URL\n"
           << "Says whether the token in URL (https://TOKEN@host/path) opens its path.\n\n"
           << verify_option_description();
}

// Throws po::error; nullopt when there is not exactly one URL.
std::optional<verify_options> parse_verify_options(const std::vector<std::string>& args) {
    const po::variables_map values = parse_tool_arguments(args, verify_option_description(), "url");
    if (values.count("url") == 0 || values["url"].as<std::vector<std::string>>().size() != 1) {
        return std::nullopt;
    }
    verify_options options;
    options.url = values["url"].as<std::vector<std::string>>().front();
    options.key = key_flags_of(values);
    if (values.count("token") > 0) options.token = values["token"].as<std::string>();
    return options;
}

// The user name of the URL's authority ("TOKEN" in "https://TOKEN:pw@host").
std::optional<std::string_view> user_of(const uri_reference& url) {
    if (!url.authority) return std::nullopt;
    const std::size_t at = url.authority->rfind('@');
    if (at == std::string_view::npos) return std::nullopt;
    return url.authority->substr(0, std::min(url.authority->find(':'), at));
}

}  // namespace

int run_verify_token(std::string_view program, const std::vector<std::string>& args,
                     const environment_lookup& env, std::ostream& out, std::ostream& err) {
    std::optional<verify_options> options;
    try {
        options = parse_verify_options(args);
    } catch (const po::error& error) {
        err << program << " verify: " << error.what() << "\n";
    }
    if (!options) {
        print_verify_usage(err, program);
        return 1;
    }
    std::optional<std::vector<std::string>> keys =
        tool_keys(std::string(program) + " verify", options->key, env, err);
    if (!keys) return 1;
    const uri_reference url = split_uri_reference(options->url);
    const std::optional<std::string> path = routing::percent_decode(url.path);
    const std::optional<std::string_view> token =
        options->token ? std::optional<std::string_view>(*options->token) : user_of(url);
    if (!path || !path->starts_with('/') || !token) {
        err << program << " verify: '" << options->url
            << "' needs a token (https://TOKEN@host/path, or --token) and a path starting '/'\n";
        return 1;
    }
    const std::size_t key_count = keys->size();
    const auth::verifier verifier{std::move(*keys)};
    const auto found = verifier.find_match(*token, *path);
    if (!found) {
        out << "not valid for " << *path << "\n";
        return 1;
    }
    out << "valid for " << *path << ": HMAC-" << auth::name_of(found->hash) << " of \""
        << found->scope << "\"";
    // With several keys (a key file during a rotation), which one: its place
    // among the file's keys, never the key.
    if (key_count > 1) out << " with key " << found->key_index + 1 << " of " << key_count;
    out << "\n";
    return 0;
}

}  // namespace hookbot::token_cli
