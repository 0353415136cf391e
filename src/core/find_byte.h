#pragma once
// findByte: where the first occurrence of one byte is in a short span, inline.
//
// Why not memchr. The SIP scanners look for a line end, a colon or a bracket in spans of
// 10 to 100 bytes, a dozen times per message. glibc's memchr is fast on long spans, but a call
// costs 20-30 instructions of dispatch and alignment set-up before it reads a byte, which is
// as much as the scan itself at these lengths. Inline, with SSE2 (baseline on every x86-64),
// 16 bytes cost about five instructions, and the last partial block is read as the overlapping
// 16 bytes that end the span, so nothing outside [p, p+n) is ever read (STYLE.md §5). Without
// SSE2, and for spans under 16 bytes, 8-byte words (swar::findByte).

#include <bit>
#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/char_class.h"

namespace siphon::core {

/// Offset of the first `c` in [p, p+n), or n when there is none. Reads only those n bytes.
[[nodiscard]] inline size_t findByte(const char* p, size_t n, char c) {
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i needle = _mm_set1_epi8(c);
    auto hits = [p, needle](size_t at) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
    };
    size_t i = 0;
    for (; n - i >= 16; i += 16) {
      if (const unsigned m = hits(i); m != 0) return i + static_cast<size_t>(std::countr_zero(m));
    }
    if (i == n) return n;
    // [n-16, n) overlaps bytes already tested, none of them `c`: look from i on.
    const unsigned m = hits(n - 16) >> (i - (n - 16));
    return m != 0 ? i + static_cast<size_t>(std::countr_zero(m)) : n;
  }
#endif
  return swar::findByte(p, n, c);
}

/// Offset of the first `c` in `text` at or after `from`, or npos.
[[nodiscard]] inline size_t findByte(std::string_view text, char c, size_t from = 0) {
  if (from >= text.size()) return std::string_view::npos;
  const size_t at = from + findByte(text.data() + from, text.size() - from, c);
  return at < text.size() ? at : std::string_view::npos;
}

}  // namespace siphon::core
