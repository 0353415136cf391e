#pragma once
// HashIndex: a map from 64-bit hash keys to small values, in one flat array.
//
// Why not std::unordered_map. Tables of 100,000 entries and more are looked up per message
// (the store's traffic statistics; the tracer's tables, which now use IdIndex, id_index.h,
// the same design in half the memory), and most lookups find nothing. libstdc++'s unordered_map
// reaches an entry through its bucket (one cache miss), the node before it in the singly linked
// list, which belongs to another bucket (a second), and the node itself (a third); an insert
// allocates a node. Here a lookup reads one slot, and the few after it, from one array: one cache
// miss in the common case, none allocated.
//
// Design. Open addressing with linear probing (Knuth, TAOCP vol. 3, §6.4, algorithm L) over a
// power-of-two array. The keys are already hashes of good quality (XXH3), so the low bits
// pick the home slot as they are. The load stays at most 1/2, where a failed search probes
// 2.5 slots on average (Knuth's 1/2 (1 + 1/(1-a)^2)): 16-byte slots, four to a cache line. An
// erase shifts the run after it back (algorithm R), so there are no tombstones and a search
// never meets a deleted slot.
//
// Key 0 marks an empty slot, so a key of 0 is stored as 1: two keys 0 and 1 then share an
// entry, which for XXH3 hashes happens with probability 2^-63, far below the tables' own
// collision rate (sip_tracker.h).
//
// Bounds: the caller bounds the number of entries (the trackers refuse past their maximum);
// the array doubles as it fills and never shrinks, so its size follows the peak.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "core/linear_probing.h"

namespace siphon::core {

template <class V>
class HashIndex {
  static_assert(std::is_trivially_copyable_v<V>, "slots are moved by copy on erase and growth");

 public:
  HashIndex() { slots_.resize(kMinSlots); }

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Slots in the array: what the index holds in memory is this times sizeof(slot).
  [[nodiscard]] size_t capacity() const { return slots_.size(); }

  /// The value of `key`, or null. Valid until the next insert or erase.
  [[nodiscard]] V* find(uint64_t key) {
    key = stored(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == kEmpty) return nullptr;
    }
  }

  /// Adds `key` with `value`; false (and nothing changed) when `key` is already there.
  bool insert(uint64_t key, V value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    key = stored(key);
    const size_t mask = slots_.size() - 1;
    size_t i = key & mask;
    for (; slots_[i].key != kEmpty; i = (i + 1) & mask) {
      if (slots_[i].key == key) return false;
    }
    slots_[i] = Slot{key, value};
    ++size_;
    return true;
  }

  /// Removes every entry; the array keeps its size.
  void clear() {
    if (size_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
  }

  /// Removes `key`; false when it was not there.
  bool erase(uint64_t key) {
    key = stored(key);
    const size_t mask = slots_.size() - 1;
    size_t hole = key & mask;
    for (; slots_[hole].key != key; hole = (hole + 1) & mask) {
      if (slots_[hole].key == kEmpty) return false;
    }
    linear_probing::eraseSlot(slots_, hole);
    --size_;
    return true;
  }

 private:
  static constexpr uint64_t kEmpty = 0;
  static constexpr size_t kMinSlots = 16;
  struct Slot {
    uint64_t key = kEmpty;
    V value{};
    [[nodiscard]] bool used() const { return key != kEmpty; }
    [[nodiscard]] uint64_t home() const { return key; }
  };

  static uint64_t stored(uint64_t key) { return key == kEmpty ? 1 : key; }

  void grow() { linear_probing::doubleSize(slots_); }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace siphon::core
