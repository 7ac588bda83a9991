// UTF-8 validity (RFC 3629), whole and in pieces.
#include "hookbot/utf8/validator.hpp"

#include <doctest/doctest.h>

#include <string_view>

namespace hookbot::utf8 {
namespace {

bool fed_in_pieces(std::string_view bytes, std::size_t piece) {
    validator check;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        const std::string_view part = bytes.substr(at, piece);
        if (!check.feed(std::span<const char>(part.data(), part.size()))) return false;
    }
    return check.complete();
}

}  // namespace

TEST_CASE("overlong forms, surrogates, truncation and values above U+10FFFF are invalid") {
    for (const std::string_view good :
         {std::string_view(""), std::string_view("ascii"),
          std::string_view("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),  // é € 😀
          std::string_view("\xf4\x8f\xbf\xbf"),                      // U+10FFFF
          std::string_view("nul \0 inside", 12)}) {
        CAPTURE(good);
        CHECK(is_valid(good));
    }
    for (const char* bad : {"\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3",
                            "\xe2\x82", "\x80", "\xff", "\xf8\x88\x80\x80\x80"}) {
        CAPTURE(bad);
        CHECK_FALSE(is_valid(bad));
    }
}

TEST_CASE("a character split between pieces is checked as a whole") {
    const std::string_view text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    for (std::size_t piece = 1; piece <= text.size(); ++piece) {
        CAPTURE(piece);
        CHECK(fed_in_pieces(text, piece));
    }
    CHECK_FALSE(fed_in_pieces("\xf0\x9f\x98", 1));  // ends inside a character
    CHECK_FALSE(fed_in_pieces("\xed\xa0\x80", 1));  // a surrogate, byte by byte
    validator check;
    CHECK(check.feed(std::span<const char>("\xc3", 1)));
    check.reset();
    CHECK(check.complete());
}

}  // namespace hookbot::utf8
