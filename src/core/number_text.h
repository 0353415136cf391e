#pragma once
// Unsigned numbers written in configuration and rule text ("2001", "0x000c"): the whole text
// must be the number, and it must not exceed `max`.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace siphon::core {

/// Decimal, or hex after "0x"/"0X" when `allow_hex`; nothing for empty text, a sign, trailing
/// characters or a value above `max`.
[[nodiscard]] inline std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t max,
                                                           bool allow_hex = false) {
  int base = 10;
  if (allow_hex && text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > max)
    return std::nullopt;
  return v;
}

}  // namespace siphon::core
