#pragma once
// Character classes as constexpr 256-entry tables (Abseil CharSet idea): one load per test,
// no locale, no signed-char pitfalls. Text parsers use these instead of <cctype>.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace siphon::core {

/// A set of byte values, built at compile time and tested with one table load.
class CharClass {
 public:
  constexpr CharClass() = default;
  /// The set of the characters listed in `chars`.
  static constexpr CharClass of(std::string_view chars) {
    CharClass c;
    for (char ch : chars) c.bits_[static_cast<unsigned char>(ch)] = true;
    return c;
  }
  /// The set of the characters in [lo, hi].
  static constexpr CharClass range(unsigned char lo, unsigned char hi) {
    CharClass c;
    for (unsigned v = lo; v <= hi; ++v) c.bits_[v] = true;
    return c;
  }
  constexpr CharClass operator|(const CharClass& o) const {
    CharClass c;
    for (size_t i = 0; i < 256; ++i) c.bits_[i] = bits_[i] || o.bits_[i];
    return c;
  }
  constexpr CharClass operator~() const {
    CharClass c;
    for (size_t i = 0; i < 256; ++i) c.bits_[i] = !bits_[i];
    return c;
  }
  [[nodiscard]] constexpr bool contains(char ch) const {
    return bits_[static_cast<unsigned char>(ch)];
  }
  /// Where the first character of `s` in the set is, or npos: one table load per byte, where
  /// std::string_view::find_first_of calls memchr over the set for each byte.
  [[nodiscard]] constexpr size_t firstIn(std::string_view s) const {
    for (size_t i = 0; i < s.size(); ++i) {
      if (contains(s[i])) return i;
    }
    return std::string_view::npos;
  }

 private:
  std::array<bool, 256> bits_{};
};

namespace chars {
inline constexpr CharClass kDigit = CharClass::range('0', '9');
inline constexpr CharClass kAlpha = CharClass::range('a', 'z') | CharClass::range('A', 'Z');
inline constexpr CharClass kAlnum = kDigit | kAlpha;
inline constexpr CharClass kHexDigit =
    kDigit | CharClass::range('a', 'f') | CharClass::range('A', 'F');
/// SP / HTAB (RFC 5234 WSP).
inline constexpr CharClass kWsp = CharClass::of(" \t");
/// Linear white space including the CR/LF of a folded line (RFC 3261 §25.1 LWS).
inline constexpr CharClass kLws = CharClass::of(" \t\r\n");
/// RFC 3261 §25.1 token characters.
inline constexpr CharClass kToken = kAlnum | CharClass::of("-.!%*_+`'~");
/// Hostname / IPv4 characters (RFC 3261 §25.1 host); '_' is not in RFC 3261 hostnames but
/// appears in the wild.
inline constexpr CharClass kHost = kAlnum | CharClass::of("-._");
/// The inside of an IPv6reference's brackets (RFC 3261 §25.1, RFC 5118).
inline constexpr CharClass kIpv6 = kHexDigit | CharClass::of(":.");
/// Where an addr-spec ends in a From/To/Contact value: its header parameters or LWS
/// (RFC 3261 §20.10).
inline constexpr CharClass kAddrSpecEnd = CharClass::of("; \t\r\n");
}  // namespace chars

/// ASCII lower-casing table: bytes outside A-Z map to themselves.
inline constexpr std::array<unsigned char, 256> kToLower = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    t[i] = static_cast<unsigned char>(i >= 'A' && i <= 'Z' ? i + ('a' - 'A') : i);
  }
  return t;
}();

[[nodiscard]] constexpr char toLowerAscii(char c) {
  return static_cast<char>(kToLower[static_cast<unsigned char>(c)]);
}

/// ASCII case-insensitive equality (header names, schemes, parameter names).
[[nodiscard]] constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (toLowerAscii(a[i]) != toLowerAscii(b[i])) return false;
  }
  return true;
}

/// Word-at-a-time helpers (SWAR) for hot text scanners. Loads are memcpy of bytes the caller
/// has checked to be inside its view: nothing here reads past the end (STYLE.md §5).
namespace swar {
inline constexpr uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kHighs = 0x8080808080808080ULL;
inline constexpr bool kLittleEndian = std::endian::native == std::endian::little;

/// 8 bytes at `p` (all of them must be inside the caller's view).
[[nodiscard]] inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
/// 4 bytes at `p` (all of them must be inside the caller's view).
[[nodiscard]] inline uint32_t load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
/// Exact ASCII lower-casing of every byte of `x` (bytes >= 0x80 unchanged).
template <class W>
[[nodiscard]] constexpr W lowerAscii(W x) {
  constexpr W ones = static_cast<W>(kOnes);
  constexpr W highs = static_cast<W>(kHighs);
  const W heptets = x & static_cast<W>(~highs);
  const W ge_a = heptets + static_cast<W>((0x80 - 'A') * ones);      // high bit: byte >= 'A'
  const W gt_z = heptets + static_cast<W>((0x80 - 'Z' - 1) * ones);  // high bit: byte > 'Z'
  const W upper = (ge_a ^ gt_z) & ~x & highs;
  return x | (upper >> 2);
}
/// High bit set in each byte of `x` that is zero; exact (no false positives) for every byte.
[[nodiscard]] constexpr uint64_t zeroBytes(uint64_t x) {
  return ~(((x & ~kHighs) + ~kHighs) | x | ~kHighs);
}
/// High bit set in each byte of `x` equal to `c` (exact).
[[nodiscard]] constexpr uint64_t bytesEqual(uint64_t x, char c) {
  return zeroBytes(x ^ (kOnes * static_cast<unsigned char>(c)));
}
/// High bit set in each byte of `x` below `n` (n <= 128; exact).
[[nodiscard]] constexpr uint64_t bytesBelow(uint64_t x, unsigned char n) {
  return ~(((x & ~kHighs) + kOnes * (0x80 - n)) | x) & kHighs;
}
/// Index of the first flagged byte (in memory order) of a non-zero zeroBytes()-style mask.
[[nodiscard]] inline size_t firstFlagged(uint64_t mask) {
  return static_cast<size_t>(std::countr_zero(mask)) / 8;  // little-endian only
}
/// Offset of the first `c` in [p, p+n), or n when there is none. Reads only those n bytes
/// (a word at a time while 8 remain); meant for short spans where a memchr call costs more
/// than the scan.
[[nodiscard]] inline size_t findByte(const char* p, size_t n, char c) {
  size_t i = 0;
  if constexpr (kLittleEndian) {
    if (n >= 8) {
      for (; n - i >= 8; i += 8) {
        if (const uint64_t m = bytesEqual(load8(p + i), c)) return i + firstFlagged(m);
      }
      if (i == n) return n;
      // The last word overlaps bytes already checked (none of them is `c`): [n-8, n).
      const uint64_t m = bytesEqual(load8(p + n - 8), c);
      return m != 0 ? n - 8 + firstFlagged(m) : n;
    }
  }
  for (; i < n; ++i) {
    if (p[i] == c) return i;
  }
  return n;
}
}  // namespace swar

}  // namespace siphon::core
