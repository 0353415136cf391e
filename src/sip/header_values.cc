#include "sip/header_values.h"

#include <cstring>

#include "core/block_scan.h"
#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {

using core::chars::kLws;

// Characters the list splitter must look at; everything else is skipped with one load.
constexpr core::CharClass kSplitSpecial = core::CharClass::of("\"<>,");

// Skips a quoted string starting at text[i] == '"'; returns the offset after the closing
// quote, or npos when unterminated. Backslash escapes one character (RFC 3261 quoted-pair).
size_t skipQuoted(std::string_view text, size_t i) {
  ++i;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> HeaderValueSplitter::next() {
  if (done_) return std::nullopt;
  const size_t begin = pos_;
  const char* const p = text_.data();
  const size_t n = text_.size();
  size_t i = pos_;
  // Most values have no comma left at all (one Via, one Contact): then the rest is one value,
  // whatever quotes and brackets it holds, and one memchr says so.
  if (i >= n || std::memchr(p + i, ',', n - i) == nullptr) {
    done_ = true;
    pos_ = n;
    return core::trimLws(text_.substr(begin));
  }
  bool in_angle = false;
  while (i < n) {
    if constexpr (core::swar::kLittleEndian) {
      // Skip a word at a time to the next '"', '<', '>' or ',' (the other bytes don't matter).
      namespace sw = core::swar;
      constexpr uint64_t kNotBit1 = ~(sw::kOnes * 0x02);
      while (n - i >= 8) {
        const uint64_t w = sw::load8(p + i);
        const uint64_t m = sw::bytesEqual(w, '"') | sw::bytesEqual(w, ',') |
                           sw::bytesEqual(w & kNotBit1, '<');  // '<' or '>'
        if (m != 0) {
          i += sw::firstFlagged(m);
          break;
        }
        i += 8;
      }
      if (i >= n) break;
    }
    const char c = p[i];
    if (!kSplitSpecial.contains(c)) {
      ++i;
      continue;
    }
    if (c == '"') {
      const size_t after = skipQuoted(text_, i);
      if (after == std::string_view::npos) {
        i = n;  // unterminated: the rest is one value; its parser reports it
        break;
      }
      i = after;
      continue;
    }
    if (c == '<') in_angle = true;
    if (c == '>') in_angle = false;
    if (c == ',' && !in_angle) break;
    ++i;
  }
  std::string_view value = core::trimLws(text_.substr(begin, i - begin));
  if (i >= n) {
    done_ = true;
    pos_ = n;
  } else {
    pos_ = i + 1;
  }
  return value;
}

std::string_view firstListValue(std::string_view text) {
  HeaderValueSplitter split(text);
  auto v = split.next();
  return v ? *v : std::string_view{};
}

namespace {

// Offset of the first byte in [i, n) that may end an unquoted parameter value: ';' ',' '"'
// or a byte <= 0x20 (SP, HTAB, CR, LF and the other controls); n if none. Reads only inside
// [0, n) (core/block_scan.h).
//
// With SSE2 (every x86-64) 16 bytes are tested at once in about ten instructions: a branch
// value (z9hG4bK and a few dozen characters) is two blocks. Then 8-byte words (SWAR), whose
// four byte tests cost about 25 instructions a word, then single bytes.
size_t nextValueStopCandidate(const char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  // Bit k set: byte k of the block is a candidate.
  auto candidates = [](__m128i v) {
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')), _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                     // min(v, 0x20) == v, unsigned: v <= 0x20
                     _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v)));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
  };
  if (const auto found = core::block_scan::findFirst(p, i, n, candidates)) return *found;
#endif
  if constexpr (core::swar::kLittleEndian) {
    namespace sw = core::swar;
    for (; n - i >= 8; i += 8) {
      const uint64_t w = sw::load8(p + i);
      const uint64_t m = sw::bytesEqual(w, ';') | sw::bytesEqual(w, ',') | sw::bytesEqual(w, '"') |
                         sw::bytesBelow(w, 0x21);
      if (m != 0) return i + sw::firstFlagged(m);
    }
  }
  for (; i < n; ++i) {
    const char c = p[i];
    if (static_cast<unsigned char>(c) <= 0x20 || c == ';' || c == ',' || c == '"') return i;
  }
  return n;
}

// Offset of the first byte at or after i that ends an unquoted parameter value (n if none):
// a candidate of nextValueStopCandidate() that is in kParamValueStop.
size_t paramValueEnd(const char* p, size_t i, size_t n) {
  for (;;) {
    i = nextValueStopCandidate(p, i, n);
    if (i >= n || kParamValueStop.contains(p[i])) return i;
    ++i;  // a control character that does not end the value
  }
}

}  // namespace

std::optional<std::string_view> plainParamValueAt(std::string_view text, size_t start) {
  if (start >= text.size()) return std::nullopt;
  const char first = text[start];
  if (first == '"' || kLws.contains(first)) return std::nullopt;  // ParamIterator's cases
  const size_t end = paramValueEnd(text.data(), start, text.size());
  if (end == start) return std::nullopt;  // ";name=;": ParamIterator fails it
  return text.substr(start, end - start);
}

std::optional<std::string_view> leadingParamValue(std::string_view params,
                                                  std::string_view name) {
  const size_t start = name.size() + 2;  // ';' name '='
  if (params.size() <= start || params[0] != ';' || params[start - 1] != '=' ||
      !core::equalsIgnoreCase(params.substr(1, name.size()), name)) {
    return std::nullopt;
  }
  return plainParamValueAt(params, start);
}

bool ParamIterator::next(Param& out) {
  if (failed_) return false;
  const char* const p = text_.data();
  const size_t n = text_.size();
  size_t i = pos_;
  while (i < n && kLws.contains(p[i])) ++i;
  if (i >= n) {
    pos_ = n;
    return false;
  }
  if (p[i] != ';') {
    failed_ = true;
    return false;
  }
  ++i;
  while (i < n && kLws.contains(p[i])) ++i;
  const size_t name_begin = i;
  while (i < n && core::chars::kToken.contains(p[i])) ++i;
  if (i == name_begin) {
    failed_ = true;  // ";;" or ";=x": RFC 4475 badinv01
    return false;
  }
  out.name = std::string_view(p + name_begin, i - name_begin);
  while (i < n && kLws.contains(p[i])) ++i;
  out.value = {};
  out.has_value = false;
  if (i < n && p[i] == '=') {
    ++i;
    while (i < n && kLws.contains(p[i])) ++i;
    out.has_value = true;
    if (i < n && p[i] == '"') {
      const size_t after = skipQuoted(text_, i);
      if (after == std::string_view::npos || after > n) {
        failed_ = true;
        return false;
      }
      out.value = std::string_view(p + i, after - i);
      i = after;
    } else {
      const size_t end = paramValueEnd(p, i, n);
      if (end == i) {
        failed_ = true;  // "branch=" with nothing after it
        return false;
      }
      out.value = std::string_view(p + i, end - i);
      i = end;
    }
  }
  pos_ = i;
  return true;
}

std::optional<std::string_view> findParam(std::string_view params, std::string_view name) {
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (core::equalsIgnoreCase(p.name, name)) return p.value;
  }
  return std::nullopt;
}

bool paramsWellFormed(std::string_view params) {
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
  }
  return !it.failed();
}

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

}  // namespace siphon::sip
