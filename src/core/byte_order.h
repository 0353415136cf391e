#pragma once
// Fixed-size loads and stores through memcpy (no casts to packed structs: STYLE.md §5).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace siphon::core {

template <class T>
[[nodiscard]] inline T loadRaw(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
[[nodiscard]] inline T byteSwap(T v) {
  if constexpr (sizeof(T) == 1) return v;
  if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
  if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
  if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(v));
}

template <class T>
[[nodiscard]] inline T fromBe(T v) {
  if constexpr (std::endian::native == std::endian::little) return byteSwap(v);
  return v;
}
template <class T>
[[nodiscard]] inline T fromLe(T v) {
  if constexpr (std::endian::native == std::endian::big) return byteSwap(v);
  return v;
}

[[nodiscard]] inline uint16_t loadBe16(const std::byte* p) { return fromBe(loadRaw<uint16_t>(p)); }
[[nodiscard]] inline uint32_t loadBe32(const std::byte* p) { return fromBe(loadRaw<uint32_t>(p)); }
[[nodiscard]] inline uint64_t loadBe64(const std::byte* p) { return fromBe(loadRaw<uint64_t>(p)); }
[[nodiscard]] inline uint16_t loadLe16(const std::byte* p) { return fromLe(loadRaw<uint16_t>(p)); }
[[nodiscard]] inline uint32_t loadLe32(const std::byte* p) { return fromLe(loadRaw<uint32_t>(p)); }

template <class T>
inline void storeRaw(std::byte* p, T v) {
  std::memcpy(p, &v, sizeof v);
}
inline void storeBe16(std::byte* p, uint16_t v) { storeRaw(p, fromBe(v)); }
inline void storeBe32(std::byte* p, uint32_t v) { storeRaw(p, fromBe(v)); }
inline void storeBe64(std::byte* p, uint64_t v) { storeRaw(p, fromBe(v)); }
inline void storeLe16(std::byte* p, uint16_t v) { storeRaw(p, fromLe(v)); }
inline void storeLe32(std::byte* p, uint32_t v) { storeRaw(p, fromLe(v)); }

}  // namespace siphon::core
