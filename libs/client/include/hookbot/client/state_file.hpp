#pragma once

#include <optional>
#include <string>
#include <system_error>

// Where a listener keeps the id of the last message it handled, so that a
// restarted listener resumes after it (`hookbot listen --state FILE`).
//
// The file holds the id and a newline, nothing else. It is replaced whole:
// written to "FILE.tmp" beside it, flushed to disk, then renamed over FILE,
// so a crash leaves either the old id or the new one, never half of one
// (after a power failure possibly the old one: a resume from it delivers
// some messages again, never fewer).
namespace hookbot::client {

class state_file {
  public:
    explicit state_file(std::string path);

    // The id saved last; nullopt when the file does not exist (a first start:
    // listen from live messages on). Throws std::runtime_error, naming the
    // file and what is wrong, when it cannot be read or does not hold one id.
    [[nodiscard]] std::optional<std::string> load() const;

    // Replaces the saved id; the error is that of the step that failed
    // (invalid_argument for an id that is not storable).
    [[nodiscard]] std::error_code save(const std::string& id) const;

    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
};

// Ids are opaque to a client, but one that fits in a state file is a line
// of printable ASCII without spaces, at most this long.
inline constexpr std::size_t max_state_id_bytes = 1024;
bool is_storable_id(const std::string& id) noexcept;

}  // namespace hookbot::client
