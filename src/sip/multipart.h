#pragma once
// Multipart bodies (RFC 2046 §5.1, used by SIP-I/SIP-T ISUP, SIPREC, PIDF attachments):
// splitting a body into its parts without copying.

#include <optional>
#include <string_view>
#include <vector>

#include "sip/sip_error.h"

namespace siphon::sip {

struct MimePart {
  std::string_view headers;       ///< the part's header lines (may be empty), without the empty line
  std::string_view body;          ///< the part's content
  std::string_view content_type;  ///< Content-Type (or compact c) of the part, empty if none
};

/// The boundary parameter of a multipart Content-Type ("multipart/mixed;boundary=xyz"),
/// unquoted; nullopt when the type is not multipart or has no boundary.
[[nodiscard]] std::optional<std::string_view> multipartBoundary(std::string_view content_type);

/// Splits `body` at "--boundary" delimiter lines (CRLF or LF line ends) up to the close
/// delimiter "--boundary--" or the end. Views borrow `body`. Error BadMultipart when no
/// delimiter is found or a part has no end of its headers. Preamble and epilogue are dropped.
[[nodiscard]] SipResult<std::vector<MimePart>> splitMultipart(std::string_view body,
                                                              std::string_view boundary);

}  // namespace siphon::sip
