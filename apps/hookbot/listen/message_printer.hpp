#pragma once

#include <cstdio>

#include "hookbot/client/envelope.hpp"

namespace hookbot::listen {

// How `hookbot listen` prints what arrives on stdout, flushed per message so
// that a pipe sees each one at once:
// - plain, exact topic:      <body>\n
// - plain, recursive topic:  <topic>\t<body>\n
// - --json:                  one envelope per line (client::envelope_json),
//                            a gap notice as its own line {"gap":{…}}
// Plain bodies are written byte for byte; one holding a newline spans lines
// (--json never does).
class message_printer {
  public:
    message_printer(bool json, bool recursive, std::FILE* out = stdout)
        : json_(json), recursive_(recursive), out_(out) {}

    // False when stdout no longer takes output (a closed pipe, a full disk).
    bool print(const client::watch_message& message);
    bool print(const client::gap_notice& gap);

  private:
    bool write(std::string_view bytes);

    bool json_;
    bool recursive_;
    std::FILE* out_;
};

}  // namespace hookbot::listen
