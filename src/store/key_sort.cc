#include "store/key_sort.h"

#include <algorithm>

namespace siphon::store {

void KeySorter::sort(std::vector<int64_t>& keys) {
  constexpr int kBits = 11;
  constexpr int kPasses = (64 + kBits - 1) / kBits;
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  const size_t n = keys.size();
  if (n < 256) {  // below this the counting passes cost more than the comparisons
    std::sort(keys.begin(), keys.end());
    return;
  }
  // Flipping the sign bit makes unsigned order the signed order.
  constexpr uint64_t kSign = uint64_t{1} << 63;
  // resize() keeps the capacity: only a larger block than any before allocates.
  a_.resize(n);
  scratch_.resize(n);
  for (size_t i = 0; i < n; ++i) a_[i] = static_cast<uint64_t>(keys[i]) ^ kSign;
  constexpr size_t kDigits = kMask + 1;
  counts_.assign(kPasses * kDigits, 0);
  for (uint64_t v : a_) {
    for (int p = 0; p < kPasses; ++p) ++counts_[p * kDigits + ((v >> (p * kBits)) & kMask)];
  }
  for (int p = 0; p < kPasses; ++p) {
    uint32_t* c = counts_.data() + p * kDigits;
    if (c[(a_[0] >> (p * kBits)) & kMask] == n) continue;  // one digit for every key
    uint32_t offset = 0;
    for (size_t d = 0; d < kDigits; ++d) {
      const uint32_t here = c[d];
      c[d] = offset;
      offset += here;
    }
    for (uint64_t v : a_) scratch_[c[(v >> (p * kBits)) & kMask]++] = v;
    a_.swap(scratch_);
  }
  for (size_t i = 0; i < n; ++i) keys[i] = static_cast<int64_t>(a_[i] ^ kSign);
}

}  // namespace siphon::store
