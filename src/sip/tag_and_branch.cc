#include "sip/tag_and_branch.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include "core/block_scan.h"
#include "core/char_class.h"
#include "sip/field_views.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

using core::chars::kLws;

#if defined(__SSE2__)
// Where the bytes a name-addr's structure turns on are, in the first min(n, 64) bytes of a
// value: bit k is byte k. Every block read is inside the value: whole 16-byte blocks, then the
// 16 bytes that end the window (their overlap with the blocks before sets the same bits), and
// a value shorter than 16 bytes goes through a zero-padded copy whose padding is masked off.
struct NameAddrMasks {
  uint64_t quote = 0, backslash = 0, lt = 0, gt = 0;
};

NameAddrMasks nameAddrMasks(const char* p, size_t n) {
  NameAddrMasks m;
  const auto add = [&m](const char* block, size_t at, unsigned keep) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
    const auto bits = [&](char c) {
      const __m128i hits = _mm_cmpeq_epi8(b, _mm_set1_epi8(c));
      return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hits)) & keep) << at;
    };
    m.quote |= bits('"');
    m.backslash |= bits('\\');
    m.lt |= bits('<');
    m.gt |= bits('>');
  };
  if (n < 16) {
    char padded[16] = {};
    std::memcpy(padded, p, n);
    add(padded, 0, (1u << n) - 1);
    return m;
  }
  const size_t window = n < 64 ? n : 64;
  size_t at = 0;
  for (; window - at >= 16; at += 16) add(p + at, at, 0xFFFF);
  if (at < window) add(p + window - 16, window - 16, 0xFFFF);
  return m;
}

// The first byte of `s` that is ';', ',', '"' or '<', or s.size().
size_t firstOfSemiCommaQuoteLt(std::string_view s) {
  const auto flags = [](__m128i v) {
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')), _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
  };
  if (const auto at = core::block_scan::findFirst(s.data(), 0, s.size(), flags)) return *at;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ';' || c == ',' || c == '"' || c == '<') return i;
  }
  return s.size();
}
#endif

// The tag of the header parameters that follow a name-addr's URI, which ends before `i`:
// LWS, then ';' and the parameters; anything else after the URI makes the value no name-addr
// (splitNameAddr() finds none), and no tag.
std::string_view tagOfParams(std::string_view value, size_t i) {
  while (i < value.size() && kLws.contains(value[i])) ++i;
  if (i == value.size() || value[i] != ';') return {};
  return tagParamIn(value, value.substr(i));
}

// ";branch=" as one little-endian word, and the bits that make its letters match either case.
constexpr uint64_t word8(const char (&text)[9], bool fold_letters) {
  uint64_t w = 0;
  for (size_t i = 0; i < 8; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool letter = c >= 'a' && c <= 'z';
    w |= uint64_t{fold_letters ? (letter ? 0x20u : 0u) : c} << (8 * i);
  }
  return w;
}
constexpr uint64_t kBranchWord = word8(";branch=", false);
constexpr uint64_t kBranchFold = word8(";branch=", true);

}  // namespace

std::optional<std::string_view> quickTag(std::string_view value) {
#if defined(__SSE2__)
  // splitNameAddr() trims the value first: one without LWS at either end is its own trim.
  const size_t n = value.size();
  if (n == 0 || kLws.contains(value.front()) || kLws.contains(value.back())) return std::nullopt;
  const NameAddrMasks m = nameAddrMasks(value.data(), n);
  size_t lt;
  if (value[0] == '"') {
    // The quoted display name ends at the next '"' when no '\' escapes one before it; then,
    // after LWS, the '<'. Any other shape (an escape, no '<') takes the general route.
    const uint64_t closing = m.quote & ~uint64_t{1};
    if (closing == 0) return std::nullopt;
    const auto close = static_cast<size_t>(std::countr_zero(closing));
    if ((m.backslash & ((uint64_t{1} << close) - 1)) != 0) return std::nullopt;
    size_t i = close + 1;
    while (i < n && kLws.contains(value[i])) ++i;
    if (i >= n || value[i] != '<') return std::nullopt;
    lt = i;
  } else if (m.lt != 0) {
    lt = static_cast<size_t>(std::countr_zero(m.lt));  // the first '<', wherever it is
  } else {
    // No '<': an addr-spec (sipp, the RFC 4475 messages), up to its first ';' or LWS. A value
    // longer than the window may hold a '<' after it: the general route's.
    if (n > 64) return std::nullopt;
    const size_t end = core::chars::kAddrSpecEnd.firstIn(value);
    if (end == std::string_view::npos) return std::string_view{};  // no header parameters
    return tagOfParams(value, end);
  }
  // The first '>' after the '<' (lt < 64: its bit is in the window).
  const uint64_t after_lt = lt + 1 < 64 ? m.gt & (~uint64_t{0} << (lt + 1)) : 0;
  if (after_lt == 0) return std::nullopt;
  return tagOfParams(value, static_cast<size_t>(std::countr_zero(after_lt)) + 1);
#else
  (void)value;
  return std::nullopt;
#endif
}

std::optional<std::string_view> quickTopBranch(std::string_view value) {
#if defined(__SSE2__)
  if constexpr (!core::swar::kLittleEndian) return std::nullopt;
  const size_t n = value.size();
  // viaBranch() starts at the first ';' of the list's first value. Before that ';' there is
  // only the sent-protocol and sent-by; a ',' there ends the first value, and a '"' or '<'
  // changes how the list splitter reads on: the general route's.
  size_t i = firstOfSemiCommaQuoteLt(value);
  if (i == n) return std::string_view{};  // no parameters: no branch
  if (value[i] != ';') return std::nullopt;
  // The parameter walk, for `;name` and `;name=value` without LWS or quotes. It never steps
  // over a ',' or a '"': so the list splitter, whose first value ends at the first ',' outside
  // quotes, has not ended that value before the branch.
  for (;;) {  // value[i] == ';'
    if (n - i >= 8 && (core::swar::load8(value.data() + i) | kBranchFold) == kBranchWord) {
      // The first branch parameter: its value as the walk gives it (leadingParamValue()'s
      // steps), unless it is quoted, empty or after LWS.
      const size_t start = i + 8;
      if (start == n || value[start] == '"' || kLws.contains(value[start])) return std::nullopt;
      const size_t end = plainParamValueEnd(value, start);
      if (end == start) return std::nullopt;
      return value.substr(start, end - start);
    }
    size_t j = i + 1;
    const size_t name = j;
    while (j < n && core::chars::kToken.contains(value[j])) ++j;
    if (j == name) return std::nullopt;  // ";;" or ";=": the walk fails there
    if (j - name == 6 && core::equalsIgnoreCase(value.substr(name, 6), "branch")) {
      return std::nullopt;  // a branch without '=' right after it: the walk decides
    }
    if (j < n && value[j] == '=') {
      const size_t start = ++j;
      while (j < n && !kParamValueStop.contains(value[j])) ++j;
      if (j == start) return std::nullopt;  // empty, quoted or after LWS
    }
    if (j == n) return std::string_view{};     // the last parameter, and no branch
    if (value[j] != ';') return std::nullopt;  // LWS, ',', '"' or another byte
    i = j;
  }
#else
  (void)value;
  return std::nullopt;
#endif
}

}  // namespace siphon::sip
