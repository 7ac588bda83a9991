#include "hookbot/token_cli/make_tokens.hpp"

#include <boost/program_options.hpp>
#include <ostream>
#include <stdexcept>

#include "hookbot/token_cli/token_url.hpp"
#include "tool_arguments.hpp"
#include "tool_keys.hpp"

namespace hookbot::token_cli {
namespace {

namespace po = boost::program_options;

constexpr std::string_view default_url_base = "http://localhost:8080";

struct make_tokens_options {
    bool help = false;
    bool bare = false;
    bool sha1 = false;
    std::optional<std::string> url_base;
    auth::key_flags key;
    std::vector<std::string> uris;
};

po::options_description visible_options() {
    po::options_description options("Options");
    options.add_options()("help,h", "print this help")("bare", "print only the token for each URI")(
        "url-base,U", po::value<std::string>(),
        "base of the printed URLs (default: $HOOKBOT_URL_BASE, else http://localhost:8080)")(
        "sha1", "make HMAC-SHA1 tokens, for servers older than v0.19 (default: HMAC-SHA256)")(
        "key", po::value<std::string>(), "the server's secret (default: $HOOKBOT_KEY)")(
        "key-file", po::value<std::string>(),
        "a file of keys, one per line; the first signs (default: $HOOKBOT_KEY_FILE, else "
        "$CREDENTIALS_DIRECTORY/hookbot-key)");
    return options;
}

void print_usage(std::ostream& stream, std::string_view program) {
    stream << "usage: " << program << " [options] URI...\n"
           << "Prints, for each URI (a path such as /sub/topic, or a URL), a URL carrying a\n"
           << "token for its path, or with --bare the token alone.\n\n"
           << visible_options();
}

// Throws po::error for an unknown option or a missing value.
make_tokens_options parse_options(const std::vector<std::string>& args) {
    const po::variables_map values = parse_tool_arguments(args, visible_options(), "uri");
    make_tokens_options options;
    options.help = values.count("help") > 0;
    options.bare = values.count("bare") > 0;
    options.sha1 = values.count("sha1") > 0;
    if (values.count("url-base") > 0) options.url_base = values["url-base"].as<std::string>();
    options.key = key_flags_of(values);
    if (values.count("uri") > 0) options.uris = values["uri"].as<std::vector<std::string>>();
    return options;
}

// The flag wins over the variable; an empty value counts as unset.
std::optional<std::string> flag_or_environment(const std::optional<std::string>& flag,
                                               const environment_lookup& env,
                                               std::string_view variable) {
    std::optional<std::string> value = flag ? flag : env(variable);
    if (value && value->empty()) return std::nullopt;
    return value;
}

// Every line, or an exception before any is printed: a script never gets
// half an answer.
std::vector<std::string> make_lines(const make_tokens_options& options, std::string_view key,
                                    std::string_view url_base) {
    const token_settings settings{key,
                                  options.sha1 ? auth::hash_kind::sha1 : auth::hash_kind::sha256};
    std::vector<std::string> lines;
    for (const std::string& uri : options.uris) {
        lines.push_back(options.bare ? bare_token(uri, settings)
                                     : token_url(uri, url_base, settings));
    }
    return lines;
}

}  // namespace

int run_make_tokens(std::string_view program, const std::vector<std::string>& args,
                    const environment_lookup& env, std::ostream& out, std::ostream& err) {
    make_tokens_options options;
    try {
        options = parse_options(args);
    } catch (const po::error& error) {
        err << program << ": " << error.what() << "\n";
        print_usage(err, program);
        return 1;
    }
    if (options.help) {
        print_usage(out, program);
        return 0;
    }
    if (options.uris.empty()) {
        print_usage(err, program);
        return 1;
    }
    const std::optional<std::vector<std::string>> keys = tool_keys(program, options.key, env, err);
    if (!keys) return 1;
    const std::string url_base = flag_or_environment(options.url_base, env, "HOOKBOT_URL_BASE")
                                     .value_or(std::string(default_url_base));
    try {
        for (const std::string& line : make_lines(options, keys->front(), url_base))
            out << line << "\n";
    } catch (const std::invalid_argument& error) {
        err << program << ": " << error.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace hookbot::token_cli
