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
#include <string_view>

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

}  // namespace siphon::sip
