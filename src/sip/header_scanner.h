#pragma once
// HeaderScanner: finds the header fields of a SIP header section, one per call, in a single
// pass (memchr for line ends and the colon). It does not parse values: it records where each
// field's name and value are, joins folded continuation lines (RFC 3261 §7.3.1: a line that
// starts with SP/HTAB continues the previous field) and stops at the empty line.
//
// Used by SipMessage::parse() on a whole datagram and by StreamFramer on a buffered header
// section. Both CRLF and bare LF line ends are accepted (some capture tools write LF).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/block_scan.h"
#include "core/char_class.h"
#include "sip/header_names.h"

namespace siphon::sip {

/// One header field as written. Views borrow the scanned text.
struct RawHeader {
  std::string_view name;   ///< as written, without the LWS before the colon
  std::string_view value;  ///< without leading/trailing LWS; inner folding (CRLF SP) kept as is
  std::string_view field;  ///< the whole field from the name to the last line end (excluded)
  HeaderId id = HeaderId::Other;
};

enum class ScanStatus : uint8_t {
  Header,            ///< `out` holds the next field
  LineWithoutColon,  ///< a line with no "token :" start; `out.field` holds it; scanning goes on
  End,               ///< the empty line was consumed; bodyOffset() is valid
  Unterminated,      ///< the text ended before the empty line
};

class HeaderScanner {
 public:
  /// Scans `text` from offset `start` (the first header line, after the start line).
  HeaderScanner(std::string_view text, size_t start) : text_(text), pos_(start) {}

  /// Advances over the next field (or the terminating empty line).
  [[nodiscard]] ScanStatus next(RawHeader& out);

  /// Offset in the text just after the empty line; meaningful once next() returned End.
  [[nodiscard]] size_t bodyOffset() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_;
};

namespace detail {

// Offset of the next '\n' at or after `from`, or npos.
inline size_t findLf(std::string_view text, size_t from) {
  if (from >= text.size()) return std::string_view::npos;
  const void* hit = std::memchr(text.data() + from, '\n', text.size() - from);
  if (hit == nullptr) return std::string_view::npos;
  return static_cast<size_t>(static_cast<const char*>(hit) - text.data());
}

// The same without memchr's call, for the scope keys' scan (scope_keys.h): its lines are 20 to
// 100 bytes, and memchr's call and set-up per line were about a fifth of the scan (perf,
// agent_bench BM_ExtractTraced/3/1): one to seven inline 16-byte blocks do the same work, and
// inlined into the scan's loop they cost 88 instructions per frame of /3/2 less than as a
// function of their own (callgrind). findHeaderValue() keeps memchr: there this search took
// more instructions (about 65 per header test of /3/2's new requests) and no less time.
// Reads only inside `text` (core/block_scan.h).
inline size_t findLfInline(std::string_view text, size_t from) {
#if defined(__SSE2__)
  const auto lf = [](__m128i block) {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8('\n'))));
  };
  if (const auto at = core::block_scan::findFirst(text.data(), from, text.size(), lf)) {
    return *at < text.size() ? *at : std::string_view::npos;
  }
#endif
  return findLf(text, from);
}

}  // namespace detail

/// Where the start line of `text` is, the CRLFs before it skipped (RFC 3261 §7.5): every
/// reader of a message's header section starts here (SipMessage::parse, the scope-key scan,
/// the one-header lookup).
struct StartLineSpan {
  size_t begin = 0;  ///< its first byte; text.size() when the text holds no start line
  size_t end = 0;    ///< its end, without the line end (CR LF or LF)
  size_t next = 0;   ///< the first header line: after its LF, or text.size() without one
  bool has_lf = false;
};

inline StartLineSpan findStartLine(std::string_view text) {
  StartLineSpan s;
  while (s.begin < text.size() && (text[s.begin] == '\r' || text[s.begin] == '\n')) ++s.begin;
  const size_t lf = detail::findLf(text, s.begin);
  s.has_lf = lf != std::string_view::npos;
  s.end = s.has_lf ? lf : text.size();
  s.next = s.has_lf ? lf + 1 : text.size();
  if (s.end > s.begin && text[s.end - 1] == '\r') --s.end;
  return s;
}

inline ScanStatus HeaderScanner::next(RawHeader& out) {
  if (pos_ >= text_.size()) return ScanStatus::Unterminated;
  const size_t begin = pos_;
  size_t lf = detail::findLf(text_, begin);
  if (lf == std::string_view::npos) {
    // Last line without a line end: still a field (so its value is usable), but the section
    // is unterminated; the next call says so.
    lf = text_.size();
  } else {
    // The empty line ("\r\n" or "\n") ends the section.
    const size_t len = lf - begin;
    if (len == 0 || (len == 1 && text_[begin] == '\r')) {
      pos_ = lf + 1;
      return ScanStatus::End;
    }
    // RFC 3261 §7.3.1 folding: following lines that start with SP/HTAB belong to this field.
    while (lf + 1 < text_.size() && core::chars::kWsp.contains(text_[lf + 1])) {
      const size_t more = detail::findLf(text_, lf + 1);
      if (more == std::string_view::npos) {
        lf = text_.size();
        break;
      }
      lf = more;
    }
  }
  size_t end = lf;
  if (end > begin && text_[end - 1] == '\r') --end;
  pos_ = lf < text_.size() ? lf + 1 : text_.size();
  const std::string_view field(text_.data() + begin, end - begin);  // begin <= end <= size
  out.field = field;

  // name = token, then optional LWS (RFC 3261 §7.3.1 "Content-Length   : 150"), then the
  // first ':'. A name that classifies as a known header is made of token characters by
  // construction, so only unknown names are checked character by character.
  const char* const f = field.data();
  const size_t fn = field.size();
  const size_t colon = core::swar::findByte(f, fn, ':');
  if (colon == fn) return ScanStatus::LineWithoutColon;
  size_t name_len = colon;
  while (name_len > 0 && core::chars::kLws.contains(f[name_len - 1])) --name_len;
  if (name_len == 0) return ScanStatus::LineWithoutColon;
  const std::string_view name(f, name_len);
  const HeaderId id = classifyHeaderName(name);
  if (id == HeaderId::Other) {
    for (size_t k = 0; k < name_len; ++k) {
      if (!core::chars::kToken.contains(f[k])) return ScanStatus::LineWithoutColon;
    }
  }
  out.name = name;
  out.id = id;
  // Value: trim LWS on both sides (folding inside is kept).
  size_t vb = colon + 1;
  size_t ve = fn;
  while (vb < ve && core::chars::kLws.contains(f[vb])) ++vb;
  while (ve > vb && core::chars::kLws.contains(f[ve - 1])) --ve;
  out.value = std::string_view(f + vb, ve - vb);
  return ScanStatus::Header;
}

}  // namespace siphon::sip
