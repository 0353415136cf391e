#pragma once
// The two moves of linear probing that do not depend on what a slot holds, shared by HashIndex
// (hash_index.h) and IdIndex (id_index.h): doubling the array, and erasing without tombstones
// (Knuth, TAOCP vol. 3, §6.4, algorithms L and R). The array's size is a power of two; a
// value-initialised Slot is empty, and a Slot tells `used()` and `home()`, the hash bits its
// home index is masked from.

#include <cstddef>
#include <vector>

namespace siphon::core::linear_probing {

/// Doubles `slots` and puts every entry back from its home slot on.
template <class Slot>
void doubleSize(std::vector<Slot>& slots) {
  std::vector<Slot> old(slots.size() * 2);
  old.swap(slots);
  const size_t mask = slots.size() - 1;
  for (const Slot& s : old) {
    if (!s.used()) continue;
    size_t i = s.home() & mask;
    while (slots[i].used()) i = (i + 1) & mask;
    slots[i] = s;
  }
}

/// Empties the slot `hole` (in use) and moves back every later entry of its run whose home
/// slot is not between the hole and it (cyclically), so that no search for one of them passes
/// an empty slot (algorithm R).
template <class Slot>
void eraseSlot(std::vector<Slot>& slots, size_t hole) {
  const size_t mask = slots.size() - 1;
  for (size_t j = (hole + 1) & mask; slots[j].used(); j = (j + 1) & mask) {
    const size_t home = slots[j].home() & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      slots[hole] = slots[j];
      hole = j;
    }
  }
  slots[hole] = Slot{};
}

}  // namespace siphon::core::linear_probing
