#pragma once
// Error codes of the SIP parser area (STYLE.md §4): one value per distinct reason, used as the
// `reason` label of the drop/unparsed counters, so names are stable snake_case.

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace siphon::sip {

enum class SipErrc : uint8_t {
  NoStartLine,          ///< empty input, or no line end before the end of the bytes
  BadStartLine,         ///< start line is neither "METHOD SP URI SP SIP/2.0" nor a status line
  BadVersion,           ///< version is not SIP/2.0
  BadStatusCode,        ///< status code is not three digits 100..699
  HeaderWithoutColon,   ///< a header line has no ':' after a token name
  UnterminatedHeaders,  ///< the bytes end before the empty line that closes the headers
  BadContentLength,     ///< Content-Length is not a whole non-negative decimal integer
  BodyTruncated,        ///< Content-Length says more bytes than the message holds
  TooManyHeaders,       ///< more header lines than ParseLimits::max_headers
  TooLarge,             ///< message, header section or body over its configured maximum
  BadHeaderValue,       ///< a header value does not follow its grammar (detail names it)
  MissingHeader,        ///< the header asked for is absent
  BadUri,               ///< a SIP/SIPS/tel URI is malformed
  BadMultipart,         ///< multipart body without the boundary, or a part without headers end
};

using SipError = core::ErrorOf<SipErrc>;

/// Stable snake_case name of `code` (e.g. "body_truncated"), for counters and logs.
[[nodiscard]] std::string_view sipErrcName(SipErrc code);

template <class T>
using SipResult = core::Result<T, SipError>;

/// Shorthand for returning an error from a SipResult function.
[[nodiscard]] inline core::Unexpected<SipError> sipError(SipErrc code, std::string_view detail) {
  return core::Unexpected<SipError>{SipError{code, detail}};
}

}  // namespace siphon::sip
