#pragma once
// The first line of a SIP message (RFC 3261 §7.1 Request-Line, §7.2 Status-Line).

#include <cstdint>
#include <string_view>

#include "sip/sip_error.h"

namespace siphon::sip {

enum class StartLineKind : uint8_t { Request, Response };

/// Views into the start line given to parseStartLine().
struct StartLine {
  StartLineKind kind = StartLineKind::Request;
  std::string_view method;       ///< request: the method token
  std::string_view request_uri;  ///< request: the URI text, unparsed
  std::string_view version;      ///< "SIP/2.0" as written (case may vary)
  std::string_view status_text;  ///< response: the three digits
  uint16_t status_code = 0;      ///< response: 100..699
  std::string_view reason;       ///< response: reason phrase, may be empty (RFC 4475 noreason)
};

/// Parses one start line without its line end. Strict about separators (exactly one SP, as
/// RFC 4475 lwsstart/lwsruri require), tolerant about the reason phrase. Errors: BadStartLine,
/// BadVersion, BadStatusCode.
[[nodiscard]] SipResult<StartLine> parseStartLine(std::string_view line);

/// Cheap classification gate: true when `bytes` start with a SIP request line
/// ("METHOD SP ... SP SIP/2.0") or status line ("SIP/2.0 NNN"), or with a line of that shape
/// that is malformed — another version ("SIP/7.0"), whitespace after the version — followed by
/// a header line ("Name: ..."): those are SIP a capture tool keeps, and the parse flags.
/// Rejects HTTP/SSDP ("NOTIFY * HTTP/1.1"), short keep-alives and CRLF pings. Reads at most
/// the first two lines.
[[nodiscard]] bool looksLikeSip(std::string_view bytes);

/// True when `line` (without line end) is a plausible SIP start line; what looksLikeSip()
/// tests, for callers that already split the first line (the stream framer's resync).
[[nodiscard]] bool looksLikeSipStartLine(std::string_view line);

}  // namespace siphon::sip
