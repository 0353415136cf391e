#include "record/base64.h"

#include <cstdint>
#include <string_view>

namespace siphon::record {

std::string base64Encode(std::span<const std::byte> bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  // Whole 3-byte groups become 4 characters.
  for (; bytes.size() - i >= 3; i += 3) {
    uint32_t v = (std::to_integer<uint32_t>(bytes[i]) << 16) |
                 (std::to_integer<uint32_t>(bytes[i + 1]) << 8) |
                 std::to_integer<uint32_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 0x3F];
    out += kAlphabet[(v >> 12) & 0x3F];
    out += kAlphabet[(v >> 6) & 0x3F];
    out += kAlphabet[v & 0x3F];
  }
  // RFC 4648 §4: a final 1 or 2 bytes are padded with '=' to a full quantum.
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = std::to_integer<uint32_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 0x3F];
    out += kAlphabet[(v >> 12) & 0x3F];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (std::to_integer<uint32_t>(bytes[i]) << 16) |
                 (std::to_integer<uint32_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 0x3F];
    out += kAlphabet[(v >> 12) & 0x3F];
    out += kAlphabet[(v >> 6) & 0x3F];
    out += '=';
  }
  return out;
}

}  // namespace siphon::record
