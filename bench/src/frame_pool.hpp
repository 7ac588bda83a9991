#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace hookbot::bench {

// A websocket frame built once per message and shared by every subscriber
// it is queued to; back in the pool when the last write of it is done.
struct shared_frame {
    std::vector<unsigned char> bytes;
    std::uint32_t references = 0;
};

// Recycles frames (and their capacity): no allocation per message once warm.
class frame_pool {
  public:
    shared_frame* acquire() {
        if (free_.empty()) {
            all_.push_back(std::make_unique<shared_frame>());
            return all_.back().get();
        }
        shared_frame* frame = free_.back();
        free_.pop_back();
        return frame;
    }
    void add_reference(shared_frame* frame) noexcept { ++frame->references; }
    void release(shared_frame* frame) {
        if (--frame->references == 0) free_.push_back(frame);
    }
    // Messages some subscriber has still to be written.
    [[nodiscard]] std::size_t in_use() const noexcept { return all_.size() - free_.size(); }
    // A frame acquired but queued to nobody.
    void give_back_unused(shared_frame* frame) {
        if (frame->references == 0) free_.push_back(frame);
    }

  private:
    std::vector<std::unique_ptr<shared_frame>> all_;
    std::vector<shared_frame*> free_;
};

}  // namespace hookbot::bench
