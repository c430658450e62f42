// Two small open-addressing hash tables for the importer's hot paths, where std::unordered_*
// spends its time allocating nodes: a map from 64-bit keys to 32-bit values (first row of an
// enterprise's fiscal year) and a set of byte strings kept back to back in one buffer (event
// dedup keys). Both only grow; neither is thread-safe.
//
//   U64Map rows;
//   auto [value, inserted] = rows.emplace(key, row);   // value: the stored one
//   ByteSet seen;
//   bool fresh = seen.insert("12|t|srdi-sme|19000");
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
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

class U64Map {
 public:
  // Inserts (key, value) unless the key is present; returns the stored value and whether it was
  // inserted.
  std::pair<uint32_t, bool> emplace(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = detail::mix64(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{key, value, true};
        ++size_;
        return {value, true};
      }
      if (s.key == key) return {s.value, false};
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
    bool used = false;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.used) emplace(s.key, s.value);
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

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

}  // namespace gradus::ingest
