#include "topics/topic_index.hpp"

#include <stdexcept>

namespace hookbot::fanout {

void topic_index::add(subscriber& target, std::string_view topic, bool recursive) {
    if (recursive && !topic.ends_with('/')) {
        throw std::invalid_argument("recursive topic \"" + std::string(topic) +
                                    "\" does not end in '/'");
    }
    if (insert(recursive ? recursive_ : exact_, topic, target)) ++size_;
}

void topic_index::remove(subscriber& target, std::string_view topic, bool recursive) {
    if (erase(recursive ? recursive_ : exact_, topic, target)) --size_;
}

void topic_index::find(std::string_view topic, std::vector<match>& out) const {
    out.clear();
    collect(exact_, topic, false, out);
    if (recursive_.empty()) return;
    // Every prefix ending in '/', the whole topic included when it ends so.
    for (std::size_t slash = topic.find('/'); slash != std::string_view::npos;
         slash = topic.find('/', slash + 1)) {
        collect(recursive_, topic.substr(0, slash + 1), true, out);
    }
}

bool topic_index::bucket::insert(subscriber* target) {
    if (!at.try_emplace(target, members.size()).second) return false;
    members.push_back(target);
    return true;
}

bool topic_index::bucket::erase(subscriber* target) {
    const auto it = at.find(target);
    if (it == at.end()) return false;
    // The last member takes the removed one's place: O(1), order aside.
    const std::size_t index = it->second;
    at.erase(it);
    if (index + 1 != members.size()) {
        members[index] = members.back();
        at[members[index]] = index;
    }
    members.pop_back();
    return true;
}

bool topic_index::insert(map& m, std::string_view topic, subscriber& target) {
    auto it = m.find(topic);
    if (it == m.end()) it = m.emplace(std::string(topic), bucket{}).first;
    return it->second.insert(&target);
}

bool topic_index::erase(map& m, std::string_view topic, subscriber& target) {
    const auto it = m.find(topic);
    if (it == m.end() || !it->second.erase(&target)) return false;
    // Drop empty buckets so that topics nobody watches any more cost nothing.
    if (it->second.members.empty()) m.erase(it);
    return true;
}

void topic_index::collect(const map& m, std::string_view topic, bool recursive,
                          std::vector<match>& out) {
    const auto it = m.find(topic);
    if (it == m.end()) return;
    for (subscriber* target : it->second.members) out.push_back(match{target, recursive});
}

}  // namespace hookbot::fanout
