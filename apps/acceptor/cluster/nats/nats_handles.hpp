#pragma once

#include <nats/nats.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// Owning handles for the NATS C client's objects, and its errors as
// exceptions that say what was being done.
namespace hookbot::acceptor::nats {

template <class T, void (*destroy)(T*)>
struct destroyer {
    void operator()(T* object) const noexcept { destroy(object); }
};

using options_handle = std::unique_ptr<natsOptions, destroyer<natsOptions, natsOptions_Destroy>>;
using connection_handle =
    std::unique_ptr<natsConnection, destroyer<natsConnection, natsConnection_Destroy>>;
using jetstream_handle = std::unique_ptr<jsCtx, destroyer<jsCtx, jsCtx_Destroy>>;
using subscription_handle =
    std::unique_ptr<natsSubscription, destroyer<natsSubscription, natsSubscription_Destroy>>;
using message_handle = std::unique_ptr<natsMsg, destroyer<natsMsg, natsMsg_Destroy>>;
// The messages one pass over a subscription takes, destroyed together
// (at the end of the pass, or a few hundred at a time). The client frees a
// destroyed message on a collector thread of its own, which it wakes, when
// that thread sleeps, at each destruction: destroyed one at a time, between
// the work on each, every message woke it, and the two threads then took
// turns at the collector's lock: a futex call and a context switch or two
// per message.
class message_batch {
  public:
    // `message` stays valid until the next take or the batch's end.
    void take(natsMsg* message) {
        if (taken_.size() == max_size) taken_.clear();
        taken_.emplace_back(message);
    }

  private:
    static constexpr std::size_t max_size = 256;
    std::vector<message_handle> taken_;
};
using stream_info_handle =
    std::unique_ptr<jsStreamInfo, destroyer<jsStreamInfo, jsStreamInfo_Destroy>>;
using metadata_handle =
    std::unique_ptr<jsMsgMetaData, destroyer<jsMsgMetaData, jsMsgMetaData_Destroy>>;
using inbox_handle = std::unique_ptr<natsInbox, destroyer<natsInbox, natsInbox_Destroy>>;

// "what: the client's text for status" (and JetStream's error code).
inline std::string describe(const char* what, natsStatus status, jsErrCode code = jsErrCode{}) {
    std::string text = std::string(what) + ": " + natsStatus_GetText(status);
    if (code != 0) text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
    return text;
}

inline void check(natsStatus status, const char* what) {
    if (status != NATS_OK) throw std::runtime_error(describe(what, status));
}

}  // namespace hookbot::acceptor::nats
