// libFuzzer target: a request's target and Authorization header, as the
// acceptor sees them from the network. The input is "target\nheader value".
// Besides not crashing (ASan, UBSan), it checks invariants that tie the
// pieces together:
//   - percent_decode(percent_encode_path(p)) == p for any decoded target;
//   - a token made for a routed path with a server key opens that path;
//   - a token the verifier accepts from the header has its hash's length,
//     and the scope it matched is part of the path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "hookbot/auth/authorization.hpp"
#include "hookbot/auth/token.hpp"
#include "hookbot/auth/verifier.hpp"
#include "hookbot/routing/route.hpp"

namespace {

using namespace hookbot;

const auth::verifier& server_verifier() {
    static const auth::verifier verifier({"fuzz-key", "second-key"});
    return verifier;
}

void require(bool condition) {
    if (!condition) std::abort();  // libFuzzer reports the input that got here
}

void check_round_trip(std::string_view path) {
    const std::string encoded = routing::percent_encode_path(path);
    const auto decoded = routing::percent_decode(encoded);
    require(decoded.has_value() && *decoded == path);
}

// `path` is a routed one (dispatch::path).
void check_authorization(std::string_view path, std::string_view header_value) {
    const auth::verifier& verifier = server_verifier();
    require(verifier.authorizes(auth::make_token("fuzz-key", path), path));
    require(verifier.authorizes(auth::make_token("second-key", path, auth::hash_kind::sha1), path));

    if (const auto token = auth::token_from_authorization(header_value)) {
        require(!token->empty());
        if (const auto match = verifier.find_match(*token, path)) {
            require(token->size() == auth::token_length(match->hash));
            require(path.find(match->scope) != std::string_view::npos);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view target = input.substr(0, newline);
    const std::string_view header_value =
        newline == std::string_view::npos ? input : input.substr(newline + 1);

    const routing::decision decision = routing::route(target);
    if (const auto* dispatch = std::get_if<routing::dispatch>(&decision)) {
        check_round_trip(dispatch->path);
        check_authorization(dispatch->path, header_value);
        (void)routing::query_parameter(dispatch->query, "token");
    } else if (const auto* redirect = std::get_if<routing::redirect>(&decision)) {
        require(!redirect->location.empty());
    }
    if (const auto decoded = routing::percent_decode(target)) check_round_trip(*decoded);
    (void)auth::token_from_authorization(target);
    (void)routing::is_uri_scheme(target);
    return 0;
}
