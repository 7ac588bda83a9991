#pragma once

#include <nats/nats.h>

#include <memory>
#include <stdexcept>
#include <string>

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
