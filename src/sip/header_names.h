#pragma once
// Header names: the headers Siphon reads, their RFC 3261 §7.3.3 compact forms, and
// case-insensitive classification of a name as it appears on the wire.

#include <cstdint>
#include <string_view>

namespace siphon::sip {

/// Headers the parser indexes during the scan. Every other header is `Other` and is found by
/// a name comparison. Values are dense so they index a small array.
enum class HeaderId : uint8_t {
  Other = 0,
  CallId,
  From,
  To,
  Via,
  CSeq,
  Contact,
  ContentLength,
  ContentType,
  ContentEncoding,
  UserAgent,
  Server,
  MaxForwards,
  Expires,
  Route,
  RecordRoute,
  Subject,
  Supported,
  Event,
  ReferTo,
  ReferredBy,
  AllowEvents,
  SessionExpires,
  Identity,
  IdentityInfo,
  RequestDisposition,
  AcceptContact,
  RejectContact,
  Authorization,
  ProxyAuthorization,
  WwwAuthenticate,
  ProxyAuthenticate,
  PAssertedIdentity,
  PPreferredIdentity,
  RemotePartyId,
  Diversion,
  Reason,
  XOip,
  XRtpStatAdd,
  XRtpStatT38,
  XRtpStat,
  PRtpStat,
  XSiemensRtpStats,
  XNgRtpStats,
  RtpRxStat,
  Date,
  Accept,
  Allow,
  Require,
  ProxyRequire,
  Unsupported,
  Warning,
  Count  ///< number of ids, not a header
};

inline constexpr size_t kHeaderIdCount = static_cast<size_t>(HeaderId::Count);

/// Classifies a header name as written on the wire (any case, long or compact form).
/// RFC 3261 §7.3.3: compact forms (i, m, l, v, …) are equivalent to the long names.
[[nodiscard]] HeaderId classifyHeaderName(std::string_view wire_name);

/// Canonical long name of a known header ("Call-ID"); "" for Other.
[[nodiscard]] std::string_view canonicalHeaderName(HeaderId id);

/// RFC 3261 §7.3.3 compact letter of a header ('i' for Call-ID), or '\0' when it has none.
[[nodiscard]] char compactHeaderForm(HeaderId id);

/// True when the header's grammar is a comma-separated list (RFC 3261 §7.3.1), so that a
/// line may carry several values. Date, Authorization, WWW-Authenticate and similar headers
/// contain commas that do not separate values and are not lists; unknown headers are
/// treated as single values because their grammar is unknown.
[[nodiscard]] bool isCommaListHeader(HeaderId id);

/// True when `wire_name` names the header `wanted` (case-insensitive; a compact form matches
/// its long name and the other way round).
[[nodiscard]] bool headerNameMatches(std::string_view wire_name, std::string_view wanted);

}  // namespace siphon::sip
