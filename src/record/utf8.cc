#include "record/utf8.h"

#include <cstring>
#include <string>

#include <cstdint>

namespace siphon::record {

bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // ASCII, the common case, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const auto b0 = static_cast<uint8_t>(text[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    // RFC 3629 §4 (UTF8-2 / UTF8-3 / UTF8-4): the allowed range of the second byte depends
    // on the first; that is what excludes overlongs, surrogates and values past U+10FFFF.
    size_t len = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
      len = 3;
    } else if (b0 == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (b0 == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (b0 >= 0xF1 && b0 <= 0xF3) {
      len = 4;
    } else if (b0 == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return false;  // 0x80..0xC1 (continuation or overlong lead) and 0xF5..0xFF
    }
    if (len > n - i) {
      return false;
    }
    const auto b1 = static_cast<uint8_t>(text[i + 1]);
    if (b1 < lo || b1 > hi) {
      return false;
    }
    for (size_t k = 2; k < len; ++k) {
      const auto bk = static_cast<uint8_t>(text[i + k]);
      if (bk < 0x80 || bk > 0xBF) {
        return false;
      }
    }
    i += len;
  }
  return true;
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Sequence length announced by a UTF-8 lead byte (RFC 3629 §4), 0 when it cannot lead.
size_t utf8Length(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

}  // namespace

void appendDatabaseText(std::string& out, std::string_view v) {
  if (v.empty()) return;  // an empty view may have no data() at all
  if (std::memchr(v.data(), 0, v.size()) == nullptr && isValidUtf8(v)) {
    out.append(v);
    return;
  }
  for (size_t i = 0; i < v.size();) {
    auto b = static_cast<unsigned char>(v[i]);
    if (b != 0 && b < 0x80) {
      out += v[i++];
      continue;
    }
    size_t n = utf8Length(b);
    if (n != 0 && n <= v.size() - i && isValidUtf8(v.substr(i, n))) {
      out.append(v.substr(i, n));
      i += n;
      continue;
    }
    out.append(kReplacement);
    ++i;
  }
}

}  // namespace siphon::record
