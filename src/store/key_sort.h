#pragma once
// Sorting a block's index keys before they are inserted (block_store.cc: sorted keys land next
// to each other in the key B-tree, so a batch touches fewer pages).
//
// Why not std::sort. The keys are hashes (index_key.h): each comparison goes either way at
// random, and a block's ~20,000 keys cost std::sort 5.6 % of the store's time in
// mispredicted branches (store_bench under perf). A least-significant-digit radix sort has no
// data-dependent branch: one pass counts all digits, then six passes of 11 bits move the keys;
// a pass whose digit is the same for every key is skipped.

#include <cstdint>
#include <vector>

namespace siphon::store {

/// Sorts `keys` ascending in signed order (SQLite's INTEGER order), keeping its working
/// buffers for the next sort: fresh ones per block were zero-filled and faulted in anew
/// (1 % of the collector's CPU at 100k msg/s, perf).
class KeySorter {
 public:
  void sort(std::vector<int64_t>& keys);

 private:
  std::vector<uint64_t> a_, scratch_;
  std::vector<uint32_t> counts_;
};

/// The same with buffers of its own, for a one-off sort.
inline void sortKeys(std::vector<int64_t>& keys) { KeySorter().sort(keys); }

}  // namespace siphon::store
