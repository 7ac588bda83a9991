#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// A committed message's id: unique for the life of a bus (docs/PROTOCOL.md,
// "Message ids"). Clients treat it as opaque; it is the bus epoch and the
// message's bus_seq, "<epoch, 16 lowercase hex digits>-<bus_seq, decimal>",
// so that an id of a bus that was replaced (another epoch) is told apart from
// one this bus has not reached yet.
namespace hookbot::shm_ring {

struct message_id {
    std::uint64_t epoch = 0;
    std::uint64_t bus_seq = 0;

    friend bool operator==(const message_id&, const message_id&) = default;
};

// The longest id format_message_id writes (16 + 1 + 20).
inline constexpr std::size_t max_message_id_bytes = 37;

std::string format_message_id(message_id id);
// The id's first part alone: the epoch as 16 lowercase hex digits.
std::string format_epoch(std::uint64_t epoch);
// nullopt for anything format_message_id could not have written.
std::optional<message_id> parse_message_id(std::string_view text) noexcept;

}  // namespace hookbot::shm_ring
