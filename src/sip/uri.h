#pragma once
// URIs in SIP: sip:/sips: (RFC 3261 §19.1), tel: (RFC 3966), and any other scheme kept opaque
// (RFC 4475 unkscm/novelsc/unksm2 must parse). Zero-copy: every field views the URI text.

#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/sip_error.h"

namespace siphon::sip {

enum class UriScheme : uint8_t { Sip, Sips, Tel, Other };

struct Uri {
  UriScheme scheme = UriScheme::Other;
  std::string_view scheme_text;  ///< as written ("sip", "SIPS", "soap.beep")
  /// sip/sips: user part, %-escapes kept as written, ";"-params of a telephone-subscriber
  /// included (RFC 4475 semiuri: "user;par=u%40example.net"). tel: the number.
  std::string_view user;
  std::string_view password;
  std::string_view host;       ///< host without IPv6 brackets ("2001:db8::1")
  std::string_view host_text;  ///< host as written, brackets kept ("[2001:db8::1]")
  bool host_is_ipv6 = false;   ///< host was an IPv6 reference in [ ]
  std::string_view port_text;  ///< digits, or empty when no port
  uint16_t port = 0;           ///< 0 when absent
  std::string_view params;     ///< from the first ';' after the host (or tel number) onwards
  std::string_view headers;    ///< after '?', without it
  std::string_view opaque;     ///< other schemes: everything after "scheme:"
  std::string_view text;       ///< the whole URI
};

/// Parses a URI. Tolerant where a capture parser should be (unknown params, %-escapes kept,
/// escaped headers after '?'), strict where the text cannot be a URI: no scheme, LWS or
/// control characters, empty host, port not a 16-bit number, unclosed '['. Error: BadUri.
[[nodiscard]] SipResult<Uri> parseUri(std::string_view text);

/// parseUri() into an existing Uri (no copy of the result); the error, or nullopt on success.
[[nodiscard]] std::optional<SipError> parseUriInto(std::string_view text, Uri& uri);

namespace detail {
/// parseUriInto() for a Uri that is still value-initialised (`Uri{}`): skips the reset, which
/// on the hot path costs as much as the parse itself.
[[nodiscard]] std::optional<SipError> parseUriFresh(std::string_view text, Uri& uri);
}  // namespace detail

}  // namespace siphon::sip
