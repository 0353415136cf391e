#pragma once
// name-addr / addr-spec header values (From, To, Contact, P-Asserted-Identity, Route, ...):
// RFC 3261 §20.10 and §25.1.

#include <optional>
#include <string_view>

#include "sip/sip_error.h"
#include "sip/uri.h"

namespace siphon::sip {

struct NameAddr {
  /// Display name as written: for a quoted one the text inside the quotes with its backslash
  /// escapes kept; for an unquoted one the trimmed words. Empty when absent.
  std::string_view display_name;
  bool display_name_quoted = false;
  std::string_view uri_text;  ///< the URI inside <...>, or the addr-spec
  Uri uri;
  std::string_view params;    ///< header parameters from the first ';' after the URI
  bool star = false;          ///< Contact: * (RFC 3261 §20.10)
  std::string_view tag_value;  ///< the first `tag` parameter, picked while validating params

  /// The `tag` parameter (From/To), empty when absent.
  [[nodiscard]] std::string_view tag() const { return tag_value; }
};

/// Parses one value (already split from a comma list). Accepts `"quoted" <uri>;p`,
/// `token words <uri>;p`, `name<uri>` (RFC 4475 lwsdisp) and `addr-spec;p`, whose params go to
/// the header (RFC 3261 §20). Rejected (BadHeaderValue): unterminated quoted display name
/// (quotbal), LWS inside <...> (badaspec), a comma in an unquoted display name (baddn),
/// '?' or ',' in an addr-spec not enclosed in <> (regbadct), malformed header params.
/// Tolerated: other non-token characters in an unquoted display name, such as the
/// `\"arik\"` some phones send. URI errors come back as BadUri.
[[nodiscard]] SipResult<NameAddr> parseNameAddr(std::string_view value);

/// parseNameAddr() into an existing NameAddr (no copy); the error, or nullopt on success.
[[nodiscard]] std::optional<SipError> parseNameAddrInto(std::string_view value, NameAddr& out);

namespace detail {
/// parseNameAddrInto() for a NameAddr that is still value-initialised (`NameAddr{}`): skips
/// the reset.
[[nodiscard]] std::optional<SipError> parseNameAddrFresh(std::string_view value, NameAddr& out);
}  // namespace detail

}  // namespace siphon::sip
