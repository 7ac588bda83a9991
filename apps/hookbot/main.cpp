// `hookbot`: the front command, with the original's command line:
//   hookbot [--key KEY | --key-file PATH] [--github-secret SECRET] COMMAND [options]
// Commands: serve, make-tokens (alias t), route-github, listen.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"
#include "hookbot/version/version.hpp"
#include "listen/listen_command.hpp"
#include "make_tokens_command.hpp"
#include "route_github/route_github_command.hpp"
#include "serve/serve_command.hpp"

namespace {

constexpr const char* usage =
    "usage: hookbot [--key KEY | --key-file PATH] [--github-secret SECRET] COMMAND [options]\n"
    "       hookbot --version\n"
    "\n"
    "commands:\n"
    "  serve             run the server (hookbot serve --help)\n"
    "  make-tokens, t    print tokens and URLs for paths (hookbot make-tokens --help)\n"
    "  route-github      route GitHub pushes as a client of a server\n"
    "                    (hookbot route-github --help)\n"
    "  listen URL        print, or run a command on, each message of a subscription;\n"
    "                    resumes after reconnects (hookbot listen --help)\n"
    "\n"
    "environment: HOOKBOT_KEY (the secret tokens are made with) or HOOKBOT_KEY_FILE (a file\n"
    "of keys, one per line, the first signs; also $CREDENTIALS_DIRECTORY/hookbot-key),\n"
    "HOOKBOT_GITHUB_SECRET, HOOKBOT_URL_BASE (make-tokens)\n";

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    // The key's environment variables are read by each command, below the
    // flags (auth::find_key_source).
    hookbot::auth::key_flags key_flags;
    std::string github_secret = environment("HOOKBOT_GITHUB_SECRET");

    // Global options come before the command, as with the original.
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto take = [&](std::string& into, const std::string& name) {
            if (a == name) {
                if (i + 1 >= args.size()) return false;
                into = args[++i];
                return true;
            }
            if (a.rfind(name + "=", 0) == 0) {
                into = a.substr(name.size() + 1);
                return true;
            }
            return false;
        };
        if (take(key_flags.key, "--key") || take(key_flags.key_file, "--key-file") ||
            take(github_secret, "--github-secret")) {
            continue;
        }
        if (a == "--help" || a == "-h" || a == "help") {
            std::cout << usage;
            return 0;
        }
        if (a == "--version" || a == "-v") {
            std::cout << hookbot::version::line("hookbot");
            return 0;
        }
        break;
    }
    if (i >= args.size()) {
        std::cerr << usage;
        return 1;
    }
    const std::string command = args[i];
    const std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
    if (command == "serve") {
        return hookbot::serve::run_serve_command(rest, key_flags, github_secret);
    }
    if (command == "make-tokens" || command == "t") {
        return hookbot::run_make_tokens_command(rest, key_flags);
    }
    if (command == "route-github") {
        return hookbot::route_github::run_route_github_command(rest, key_flags, github_secret);
    }
    if (command == "listen") return hookbot::listen::run_listen_command(rest);
    std::cerr << "hookbot: unknown command \"" << command << "\"\n" << usage;
    return 1;
}
