#include "listen/message_printer.hpp"

#include <string>

namespace hookbot::listen {

bool message_printer::write(std::string_view bytes) {
    return std::fwrite(bytes.data(), 1, bytes.size(), out_) == bytes.size();
}

bool message_printer::print(const client::watch_message& message) {
    bool ok = true;
    if (json_) {
        ok = write(client::envelope_json(message)) && write("\n");
    } else {
        if (recursive_) ok = write(message.topic) && write("\t");
        ok = ok && write(message.body) && write("\n");
    }
    return std::fflush(out_) == 0 && ok;
}

bool message_printer::print(const client::gap_notice& gap) {
    // Plain output has no room for it: the log (stderr) says it either way.
    if (!json_) return true;
    const bool ok = write(client::envelope_json(gap)) && write("\n");
    return std::fflush(out_) == 0 && ok;
}

}  // namespace hookbot::listen
