#include "store/index_key.h"

#include <xxhash.h>

namespace siphon::store {

int64_t indexKey(KeyKind kind, std::string_view value) {
  // The kind is the seed, so the same text under two kinds gives two keys.
  uint64_t h = XXH3_64bits_withSeed(value.data(), value.size(), static_cast<uint64_t>(kind));
  return static_cast<int64_t>(h);
}

int64_t ipKey(const core::IpAddress& ip) {
  auto b = ip.unmapped().bytes();
  uint64_t h = XXH3_64bits_withSeed(b.data(), b.size(), static_cast<uint64_t>(KeyKind::Ip));
  return static_cast<int64_t>(h);
}

}  // namespace siphon::store
