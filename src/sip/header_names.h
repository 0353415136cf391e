#pragma once
// Header names: the headers Siphon reads, their RFC 3261 §7.3.3 compact forms, and
// case-insensitive classification of a name as it appears on the wire.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/char_class.h"

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

namespace detail {
/// One long name in the classification hash table (lower-case, zero-padded to whole words).
struct HashedName {
  uint8_t len = 0;  ///< 0: empty slot
  HeaderId id = HeaderId::Other;
  std::array<char, 24> lower{};
};
/// Perfect hash of the long names on (length, first and last letter); header_names.cc checks at
/// compile time that no two names collide. Only picks the one candidate to compare with.
[[nodiscard]] constexpr size_t hashHeaderName(size_t len, unsigned char first, unsigned char last) {
  return (len + first * 27u + last) & 255u;
}
extern const std::array<HashedName, 256> kHashedNames;
extern const std::array<HeaderId, 26> kCompactIds;
inline constexpr size_t kMaxHeaderNameLen = 20;

/// Case-insensitive equality of `n` wire bytes with a lower-case table name of the same length,
/// a word at a time: the loads cover [p, p+n) with overlapping words and never go beyond it.
[[nodiscard]] inline bool equalsLowerName(const char* p, const char* lower, size_t n) {
  namespace sw = core::swar;  // both sides are loaded alike, so byte order does not matter
  if (n >= 8) {
    if (sw::lowerAscii(sw::load8(p)) != sw::load8(lower)) return false;
    if (n > 16 && sw::lowerAscii(sw::load8(p + 8)) != sw::load8(lower + 8)) return false;
    return sw::lowerAscii(sw::load8(p + n - 8)) == sw::load8(lower + n - 8);
  }
  if (n >= 4) {
    return sw::lowerAscii(sw::load4(p)) == sw::load4(lower) &&
           sw::lowerAscii(sw::load4(p + n - 4)) == sw::load4(lower + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (core::toLowerAscii(p[i]) != lower[i]) return false;
  }
  return true;
}
}  // namespace detail

/// Classifies a header name as written on the wire (any case, long or compact form).
/// RFC 3261 §7.3.3: compact forms (i, m, l, v, …) are equivalent to the long names.
/// Inline: one hash-table load and one word comparison per header line.
[[nodiscard]] inline HeaderId classifyHeaderName(std::string_view wire_name) {
  const size_t n = wire_name.size();
  if (n - 1 >= detail::kMaxHeaderNameLen) return HeaderId::Other;  // empty or too long
  const unsigned char first = static_cast<unsigned char>(wire_name[0]);
  if (n == 1) {
    const unsigned letter = static_cast<unsigned char>(core::toLowerAscii(static_cast<char>(first))) - 'a';
    return letter < 26 ? detail::kCompactIds[letter] : HeaderId::Other;
  }
  // | 0x20 is only a hash input here; the comparison below is exact.
  const auto& e = detail::kHashedNames[detail::hashHeaderName(
      n, first | 0x20u, static_cast<unsigned char>(wire_name[n - 1]) | 0x20u)];
  if (e.len != n) return HeaderId::Other;
  return detail::equalsLowerName(wire_name.data(), e.lower.data(), n) ? e.id : HeaderId::Other;
}

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
