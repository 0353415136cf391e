#pragma once
// The first byte of a view that a 16-byte test flags, 16 bytes at a time, for the scanners of
// SIP text whose stop set is more than memchr's one byte (the end of a URI's host or port, of
// a parameter value).
//
// Bounds. The blocks read are inside [0, n): whole blocks from `from`, then, for the last
// 1-15 bytes, the 16 bytes that end the view, with the bytes before `from` (or tested already)
// masked off. So nothing outside the view is read, and a short tail still takes one block.
// A view shorter than 16 bytes has no block to read: the caller scans it its own way.

#include <bit>
#include <cstddef>
#include <optional>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace siphon::core::block_scan {

#if defined(__SSE2__)
/// `flags(block)` returns bit k set when byte k of the 16 bytes loaded from `block` stops the
/// scan. The offset of the first stopping byte in [from, n), n if none; nullopt when n < 16.
template <class Flags>
[[nodiscard]] inline std::optional<size_t> findFirst(const char* p, size_t from, size_t n,
                                                     Flags flags) {
  if (n < 16) return std::nullopt;
  if (from >= n) return n;
  size_t at = from;
  for (; n - at >= 16; at += 16) {
    if (const unsigned m = flags(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at))))
      return at + static_cast<size_t>(std::countr_zero(m));
  }
  if (at == n) return n;
  // The 16 bytes that end the view start 1 to 15 bytes before `at`: those are masked off.
  const unsigned m = flags(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16))) &
                     (~0u << (at - (n - 16)));
  return m != 0 ? n - 16 + static_cast<size_t>(std::countr_zero(m)) : n;
}
#endif

/// The offset of the first byte of `s` at or after `from` that is one of `Cs`, or s.size():
/// 16 bytes at a time (one compare per character) when `s` has 16, else byte by byte.
template <char... Cs>
[[nodiscard]] inline size_t findAnyOf(std::string_view s, size_t from) {
  static_assert(sizeof...(Cs) > 0);
  const size_t n = s.size();
  if (from >= n) return n;
#if defined(__SSE2__)
  const auto flags = [](__m128i v) {
    const __m128i hit = (_mm_setzero_si128() | ... | _mm_cmpeq_epi8(v, _mm_set1_epi8(Cs)));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
  };
  if (const auto at = findFirst(s.data(), from, n, flags)) return *at;
#endif
  for (size_t i = from; i < n; ++i) {
    if (((s[i] == Cs) || ...)) return i;
  }
  return n;
}

}  // namespace siphon::core::block_scan
