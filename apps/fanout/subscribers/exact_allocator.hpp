#pragma once

#include <boost/asio/bind_allocator.hpp>
#include <cstddef>
#include <new>
#include <utility>

namespace hookbot::fanout {

// An allocator for the operation of an asynchronous wait that may stay
// pending for the connection's whole life (a subscriber's read wait, its
// watchdog): the operation gets a block of its own size from malloc.
//
// Without it, asio takes every operation's memory from a per-thread cache of
// recycled blocks and hands a small operation any cached block big enough:
// the ~1 KiB block of the handshake's 101 write went on to hold the ~100-byte
// read wait of an idle subscriber for good (issue 5: 40% of a worker's memory
// per idle subscriber). std::allocator would not do: asio treats it as "no
// allocator" and recycles anyway.
template <typename T>
class exact_allocator {
  public:
    using value_type = T;

    exact_allocator() noexcept = default;
    template <typename U>
    exact_allocator(const exact_allocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t /*n*/) noexcept { ::operator delete(p); }

    template <typename U>
    bool operator==(const exact_allocator<U>& /*other*/) const noexcept {
        return true;
    }
};

// `handler`, its operation allocated by exact_allocator.
template <typename Handler>
auto with_exact_allocation(Handler&& handler) {
    return boost::asio::bind_allocator(exact_allocator<void>(), std::forward<Handler>(handler));
}

}  // namespace hookbot::fanout
