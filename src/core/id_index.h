#pragma once
// IdIndex: a map from 64-bit hash keys to the 32-bit ids of entries that keep their own key,
// in 8-byte slots: half of HashIndex's memory (hash_index.h) for the tracer's tables.
//
// Why. The tracer's tables (trace/sip_tracker.h, trace/b2b_sessions.h) index 100,000 live
// dialogs and more, and every entry already holds its full key. A HashIndex slot repeats that
// key beside the id: 16 bytes, at a load of at most 1/2 up to 64 bytes per entry, three indexes
// per traced call, the largest part of a live dialog's memory (agent_bench
// heap_bytes_per_dialog). And the larger the array, the more of a lookup's one cache miss
// goes to memory instead of the cache.
//
// Design. HashIndex's open addressing (linear probing, Knuth TAOCP vol. 3 §6.4 algorithms L
// and R, load at most 1/2, no tombstones), where a slot holds the id and the key's low 32 bits.
// Those bits pick the home slot (the keys are XXH3 hashes, uniform in every bit), so growth
// and the back shift of an erase need no entry; they also tell most other keys of a probe run
// apart, and the caller's `key_of(id)` confirms a candidate against the full key: a lookup
// reads the entry only for its own key (which the caller reads next anyway) or, about once in
// 2^(32 - log2(slots)) probes, for another with the same low bits.
//
// Bounds: ids are below kNone (the empty mark); at most 2^32 slots. The caller bounds the
// entries; the array doubles as it fills and never shrinks.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/linear_probing.h"

namespace siphon::core {

class IdIndex {
 public:
  using Id = uint32_t;
  static constexpr Id kNone = UINT32_MAX;

  IdIndex() { slots_.resize(kMinSlots); }

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Slots in the array: the index holds this times 8 bytes.
  [[nodiscard]] size_t capacity() const { return slots_.size(); }

  /// The id stored for `key` (which the caller may overwrite with the id of an entry that has
  /// the same key), or null. `key_of(id)` gives the full key of an entry. Valid until the next
  /// insert or erase.
  template <class KeyOf>
  [[nodiscard]] Id* find(uint64_t key, const KeyOf& key_of) {
    const auto low = static_cast<uint32_t>(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = low & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.id == kNone) return nullptr;
      if (s.low == low && key_of(s.id) == key) return &s.id;
    }
  }

  /// Adds `key` with `id`; false (and nothing changed) when `key` is already there.
  template <class KeyOf>
  bool insert(uint64_t key, Id id, const KeyOf& key_of) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const auto low = static_cast<uint32_t>(key);
    const size_t mask = slots_.size() - 1;
    size_t i = low & mask;
    for (; slots_[i].id != kNone; i = (i + 1) & mask) {
      if (slots_[i].low == low && key_of(slots_[i].id) == key) return false;
    }
    slots_[i] = Slot{low, id};
    ++size_;
    return true;
  }

  /// Removes `key`; false when it was not there.
  template <class KeyOf>
  bool erase(uint64_t key, const KeyOf& key_of) {
    const auto low = static_cast<uint32_t>(key);
    const size_t mask = slots_.size() - 1;
    size_t hole = low & mask;
    for (;; hole = (hole + 1) & mask) {
      const Slot& s = slots_[hole];
      if (s.id == kNone) return false;
      if (s.low == low && key_of(s.id) == key) break;
    }
    linear_probing::eraseSlot(slots_, hole);
    --size_;
    return true;
  }

 private:
  static constexpr size_t kMinSlots = 16;
  struct Slot {
    uint32_t low = 0;  ///< the key's low 32 bits
    Id id = kNone;
    [[nodiscard]] bool used() const { return id != kNone; }
    [[nodiscard]] uint64_t home() const { return low; }
  };

  void grow() { linear_probing::doubleSize(slots_); }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace siphon::core
