#include "store/key_sort.h"

#include <algorithm>
#include <array>

namespace siphon::store {

void sortKeys(std::vector<int64_t>& keys) {
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
  std::vector<uint64_t> a(n);
  for (size_t i = 0; i < n; ++i) a[i] = static_cast<uint64_t>(keys[i]) ^ kSign;
  std::vector<std::array<uint32_t, kMask + 1>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (uint64_t v : a) {
    for (int p = 0; p < kPasses; ++p) ++counts[p][(v >> (p * kBits)) & kMask];
  }
  std::vector<uint64_t> scratch(n);
  for (int p = 0; p < kPasses; ++p) {
    auto& c = counts[p];
    if (c[(a[0] >> (p * kBits)) & kMask] == n) continue;  // one digit for every key
    uint32_t offset = 0;
    for (auto& k : c) {
      const uint32_t here = k;
      k = offset;
      offset += here;
    }
    for (uint64_t v : a) scratch[c[(v >> (p * kBits)) & kMask]++] = v;
    a.swap(scratch);
  }
  for (size_t i = 0; i < n; ++i) keys[i] = static_cast<int64_t>(a[i] ^ kSign);
}

}  // namespace siphon::store
