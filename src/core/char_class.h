#pragma once
// Character classes as constexpr 256-entry tables (Abseil CharSet idea): one load per test,
// no locale, no signed-char pitfalls. Text parsers use these instead of <cctype>.

#include <array>
#include <cstdint>
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

}  // namespace siphon::core
