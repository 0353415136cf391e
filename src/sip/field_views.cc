#include "sip/field_views.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#include "core/block_scan.h"
#include "core/char_class.h"

namespace siphon::sip {
namespace {

// The first of `a`, `b`, `c` in `s` at or after `from`, or s.size(). What ends a sip: host is
// ':' ';' '?', and a port or a tel: number ';' '?' (RFC 3261 §25.1: hostport [uri-parameters]
// [headers]; RFC 3966). None of them is a host, port or number character, so in a URI that
// parses the first one is where the full parse stops too. A host and its port are
// 10-40 bytes at the end of a URI: 16 bytes are tested at once (core/block_scan.h), and only a
// view shorter than 16 bytes goes byte by byte.
size_t findAnyOf3(std::string_view s, size_t from, char a, char b, char c) {
  const size_t n = s.size();
  if (from >= n) return n;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  auto flags = [&](__m128i v) {
    const __m128i eq = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                    _mm_cmpeq_epi8(v, vc));
    return static_cast<unsigned>(_mm_movemask_epi8(eq));
  };
  if (const auto found = core::block_scan::findFirst(s.data(), from, n, flags)) return *found;
#endif
  for (size_t i = from; i < n; ++i) {
    if (s[i] == a || s[i] == b || s[i] == c) return i;
  }
  return n;
}

uint16_t portNumber(std::string_view digits) {
  uint16_t port = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return ec == std::errc{} && ptr == digits.data() + digits.size() ? port : 0;
}

// Where the bytes that end a URI's parts are, found by scanning from each part's start: any
// length of URI. Offsets are in the whole URI, so that the scans can read the bytes before
// a part (core/block_scan.h).
class ScannedStops {
 public:
  explicit ScannedStops(std::string_view text) : text_(text) {}
  /// The first '@' at or after `from`, or the size.
  [[nodiscard]] size_t at(size_t from) const { return findAnyOf3(text_, from, '@', '@', '@'); }
  /// The first ':' in [from, end), or end.
  [[nodiscard]] size_t colon(size_t from, size_t end) const {
    return from + core::swar::findByte(text_.data() + from, end - from, ':');
  }
  /// The end of a host: the first ':', ';' or '?' at or after `from`, or the size.
  [[nodiscard]] size_t hostEnd(size_t from) const { return findAnyOf3(text_, from, ':', ';', '?'); }
  /// The end of a port or a tel: number: the first ';' or '?' at or after `from`, or the size.
  [[nodiscard]] size_t portEnd(size_t from) const { return findAnyOf3(text_, from, ';', '?', '?'); }

 private:
  std::string_view text_;
};

#if defined(__SSE2__)
// The same stops for a URI of at most 64 bytes (nearly every one), as bit masks with one bit
// per byte. The URI is copied into a zeroed 64-byte buffer, so that four 16-byte loads read
// nothing outside it; then each stop is a shift and a count of trailing zeros. The copy and
// the compares cost less than one findAnyOf3() call on a 20-byte URI, which tests its bytes
// one by one below 16 bytes (callgrind, pipeline_bench BM_HepDecodeSipStore_Invite).
class MarkedStops {
 public:
  static constexpr size_t kMax = 64;

  explicit MarkedStops(std::string_view text) : n_(text.size()) {
    alignas(16) char buf[kMax] = {};
    std::memcpy(buf, text.data(), text.size());  // text.size() <= kMax
    for (unsigned k = 0; k < kMax; k += 16) {
      const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(buf + k));
      at_ |= bits(v, '@') << k;
      colon_ |= bits(v, ':') << k;
      end_ |= (bits(v, ';') | bits(v, '?')) << k;
    }
  }
  [[nodiscard]] size_t at(size_t from) const { return first(at_, from, n_); }
  [[nodiscard]] size_t colon(size_t from, size_t end) const { return first(colon_, from, end); }
  [[nodiscard]] size_t hostEnd(size_t from) const { return first(colon_ | end_, from, n_); }
  [[nodiscard]] size_t portEnd(size_t from) const { return first(end_, from, n_); }

 private:
  static uint64_t bits(__m128i v, char c) {
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
  }
  // The first set bit of `mask` in [from, end), or end (end <= kMax).
  static size_t first(uint64_t mask, size_t from, size_t end) {
    if (from >= end) return end;
    const uint64_t m = mask & (~uint64_t{0} << from);
    return m != 0 ? std::min(end, static_cast<size_t>(std::countr_zero(m))) : end;
  }

  size_t n_;
  uint64_t at_ = 0, colon_ = 0, end_ = 0;
};
#endif

uint32_t word4(const char (&text)[5]) {
  uint32_t w;
  std::memcpy(&w, text, 4);
  return w;
}

// The parts of a sip:, sips: or tel: URI whose scheme ends before `start` (tel: when `tel`).
template <class Stops>
UriView splitAfterScheme(std::string_view text, size_t start, bool tel, const Stops& stops) {
  UriView u;
  if (tel) {
    // RFC 3966: the number up to its parameters; uri.cc stores it as the user.
    u.user = text.substr(start, stops.portEnd(start) - start);
    return u;
  }
  size_t host = start;
  // userinfo ends at the first '@', which is legal neither in hostport nor unescaped after it.
  const size_t at = stops.at(start);
  if (at != text.size()) {
    u.user = text.substr(start, stops.colon(start, at) - start);
    host = at + 1;
  }
  size_t after;
  if (host < text.size() && text[host] == '[') {
    const size_t close = text.find(']', host);
    if (close == std::string_view::npos) {  // the full parse rejects it; keep what is there
      u.host = text.substr(host + 1);
      u.host_text = text.substr(host);
      return u;
    }
    u.host = text.substr(host + 1, close - host - 1);
    after = close + 1;
    u.host_text = text.substr(host, after - host);
  } else {
    after = stops.hostEnd(host);
    u.host = text.substr(host, after - host);
    u.host_text = u.host;
  }
  if (after < text.size() && text[after] == ':') {
    const size_t end = stops.portEnd(after + 1);
    u.port = portNumber(text.substr(after + 1, end - after - 1));
  }
  return u;
}

}  // namespace

UriView splitUri(std::string_view text) {
  if (text.size() < 4) return {};  // no "sip:"/"tel:": an opaque URI or none
  const uint32_t scheme = core::swar::lowerAscii(core::swar::load4(text.data()));
  size_t start = 4;
  bool tel = false;
  if (scheme == word4("sips") && text.size() >= 5 && text[4] == ':') {
    start = 5;
  } else if (scheme == word4("tel:")) {
    tel = true;
  } else if (scheme != word4("sip:")) {
    return {};
  }
#if defined(__SSE2__)
  if (text.size() <= MarkedStops::kMax) {
    return splitAfterScheme(text, start, tel, MarkedStops(text));
  }
#endif
  return splitAfterScheme(text, start, tel, ScannedStops(text));
}

}  // namespace siphon::sip
