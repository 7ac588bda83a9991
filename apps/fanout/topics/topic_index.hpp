#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hookbot/routing/topic_match.hpp"

namespace hookbot::fanout {

class subscriber;

// Which subscribers a message topic reaches (PROTOCOL P2, P7).
//
// An exact subscription on T matches only T. A recursive one on P (P ends in
// '/') matches every topic starting with P, P itself included. A lookup for M
// costs one hash probe for M in the exact map plus one per '/' in M in the
// recursive map: proportional to M's depth, not to the number of topics. Keys
// are probed as string_views: no allocation per lookup.
class topic_index {
  public:
    struct match {
        subscriber* target;
        bool recursive;  // deliver "topic NUL body" rather than the bare body
    };

    // Throws std::invalid_argument for a recursive topic not ending in '/',
    // which no prefix probe could ever find.
    void add(subscriber& target, std::string_view topic, bool recursive);
    // Removes one subscription; a no-op when it is not there.
    void remove(subscriber& target, std::string_view topic, bool recursive);

    // Replaces `out` with every subscription matching `topic`, each once.
    // Reuses `out`'s capacity: keep one vector per caller.
    void find(std::string_view topic, std::vector<match>& out) const;

    // The rule above for one subscription, as find() applies it: for those
    // that read the bus themselves (a resume's replay).
    static bool matches(std::string_view subscribed, bool recursive,
                        std::string_view topic) noexcept {
        return routing::subscription_matches(subscribed, recursive, topic);
    }

    // Subscriptions, exact and recursive.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

  private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    // One topic's subscribers. A fan-out walks them in a contiguous array in
    // the order they came (their objects were allocated in that order too):
    // walking a node-based set cost a cache miss per subscriber (3 % of the
    // fanout worker's samples, 7 % over TLS). `at` finds one to remove
    // without a scan.
    struct bucket {
        std::vector<subscriber*> members;
        std::unordered_map<subscriber*, std::size_t> at;  // index in members

        bool insert(subscriber* target);
        bool erase(subscriber* target);
    };
    // Open addressing: a probe compares stored hash fragments, not keys. A
    // node-based map without cached hashes rehashed every key it walked past
    // in a chain: that walk was 27 % of the worker's own time with 5000
    // topics of one subscriber each.
    using map = boost::unordered_flat_map<std::string, bucket, string_hash, std::equal_to<>>;

    static bool insert(map& m, std::string_view topic, subscriber& target);
    static bool erase(map& m, std::string_view topic, subscriber& target);
    static void collect(const map& m, std::string_view topic, bool recursive,
                        std::vector<match>& out);

    map exact_;
    map recursive_;
    std::size_t size_ = 0;
};

}  // namespace hookbot::fanout
