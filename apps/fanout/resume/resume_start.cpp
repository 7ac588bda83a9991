#include "resume/resume_start.hpp"

#include "hookbot/shm_ring/message_id.hpp"

namespace hookbot::fanout {

std::optional<resume_start> parse_since(std::string_view since, std::uint64_t epoch,
                                        std::uint64_t newest_bus_seq) noexcept {
    if (since.empty()) return std::nullopt;
    if (since == "all") return resume_start{};
    if (since == "latest") return resume_start{resume_start::from::latest, 0, std::nullopt};
    const auto id = shm_ring::parse_message_id(since);
    // The epoch first: an id of an earlier bus may be past this one's newest.
    if (id && id->epoch != epoch) {
        return resume_start{resume_start::from::after, 0, gap_reason::other_epoch};
    }
    if (!id || id->bus_seq > newest_bus_seq) {
        return resume_start{resume_start::from::after, 0, gap_reason::unknown};
    }
    return resume_start{resume_start::from::after, id->bus_seq, std::nullopt};
}

}  // namespace hookbot::fanout
