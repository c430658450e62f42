// Sets of byte strings for the importer's event dedup keys, without a node and a string allocated
// per key (as std::unordered_set<std::string> would): ByteSet, an open-addressing hash set with
// the keys back to back in one buffer, and EnterpriseKeySet, one small set per enterprise. They
// only grow; they are not thread-safe.
//
//   EnterpriseKeySet seen;
//   bool fresh = seen.insert(e, "t|srdi-sme|19000|-|0||");
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace gradus::ingest {

namespace detail {
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
inline uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix64(h ^ w);
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  return mix64(h ^ tail ^ (uint64_t{s.size()} << 56));
}
}  // namespace detail

class ByteSet {
 public:
  // True when `key` was not in the set (it is now).
  bool insert(std::string_view key) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const uint64_t h = detail::hash_bytes(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint32_t slot = slots_[i];
      if (slot == 0) {
        slots_[i] = static_cast<uint32_t>(entries_.size() + 1);
        entries_.push_back(Entry{h, bytes_.size(), key.size()});
        bytes_.append(key);
        return true;
      }
      const Entry& e = entries_[slot - 1];
      if (e.hash == h && std::string_view(bytes_).substr(e.offset, e.length) == key) return false;
    }
  }

 private:
  struct Entry {
    uint64_t hash;
    size_t offset;
    size_t length;
  };
  void grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    const size_t mask = slots_.size() - 1;
    for (size_t k = 0; k < entries_.size(); ++k) {
      size_t i = entries_[k].hash & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(k + 1);
    }
  }
  std::vector<uint32_t> slots_;  // 0 = empty, else 1 + index into entries_
  std::vector<Entry> entries_;
  std::string bytes_;
};

// Sets of byte strings, one per enterprise (the event dedup keys of each enterprise). The keys of
// an enterprise are a short list, searched in full, until it has more than kListMax of them; then
// they move to a hash set.
class EnterpriseKeySet {
 public:
  // True when `key` was not in the set of enterprise e (it is now).
  bool insert(uint32_t e, std::string_view key) {
    if (heads_.size() <= e) heads_.resize(e + 1);
    Head& h = heads_[e];
    if (h.count > kListMax) return big_.insert(big_key(e, key));
    for (uint32_t k = h.first; k != 0; k = entries_[k - 1].next) {
      const Entry& x = entries_[k - 1];
      if (x.length == key.size() && std::string_view(bytes_).substr(x.offset, x.length) == key) {
        return false;
      }
    }
    if (h.count == kListMax) {
      for (uint32_t k = h.first; k != 0; k = entries_[k - 1].next) {
        const Entry& x = entries_[k - 1];
        const std::string listed(std::string_view(bytes_).substr(x.offset, x.length));
        big_.insert(big_key(e, listed));
      }
      h.count = kListMax + 1;
      return big_.insert(big_key(e, key));
    }
    entries_.push_back(Entry{bytes_.size(), static_cast<uint32_t>(key.size()), h.first});
    bytes_.append(key);
    h.first = static_cast<uint32_t>(entries_.size());
    ++h.count;
    return true;
  }

 private:
  static constexpr uint32_t kListMax = 16;
  struct Head {
    uint32_t first = 0;  // 1 + index into entries_ of the latest key, 0 = none
    uint32_t count = 0;  // > kListMax: the keys are in big_
  };
  struct Entry {
    size_t offset;
    uint32_t length;
    uint32_t next;  // 1 + index of the previous key of the enterprise, 0 = none
  };
  std::string_view big_key(uint32_t e, std::string_view key) {
    scratch_.assign(reinterpret_cast<const char*>(&e), sizeof e);
    scratch_.append(key);
    return scratch_;
  }
  std::vector<Head> heads_;
  std::vector<Entry> entries_;
  std::string bytes_;
  ByteSet big_;
  std::string scratch_;
};

}  // namespace gradus::ingest
