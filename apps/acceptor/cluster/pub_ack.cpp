#include "cluster/pub_ack.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace hookbot::acceptor {

void read_pub_ack(std::string_view data, std::string_view status, publish_ack& ack) {
    ack.seq = 0;
    ack.error.clear();
    if (data.empty()) {
        ack.error = status.empty() ? std::string("an empty acknowledgement")
                                   : "an acknowledgement of status " + std::string(status);
        return;
    }
    // No exceptions: a reply that is not a PubAck is an error answer, not a
    // reason to stop reading the others.
    const nlohmann::json reply = nlohmann::json::parse(data, nullptr, false);
    if (!reply.is_object()) {
        ack.error = "an acknowledgement that is not JSON";
        return;
    }
    if (const auto error = reply.find("error"); error != reply.end()) {
        const auto description = error->is_object() ? error->find("description") : error->end();
        if (description != error->end() && description->is_string()) {
            ack.error = description->get<std::string>();
        } else {
            const auto code = error->is_object() ? error->find("code") : error->end();
            ack.error = "JetStream error" + (code != error->end() && code->is_number_integer()
                                                 ? " " + std::to_string(code->get<long long>())
                                                 : std::string());
        }
        return;
    }
    const auto seq = reply.find("seq");
    if (seq == reply.end() || !seq->is_number_unsigned() || seq->get<std::uint64_t>() == 0) {
        ack.error = "an acknowledgement without a sequence";
        return;
    }
    ack.seq = seq->get<std::uint64_t>();
}

}  // namespace hookbot::acceptor
