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

/// Sorts `keys` ascending in signed order (SQLite's INTEGER order).
void sortKeys(std::vector<int64_t>& keys);

}  // namespace siphon::store
