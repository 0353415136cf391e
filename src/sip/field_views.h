#pragma once
// Where the parts of a URI and of a name-addr are, found without their grammar.
//
// Why. The collector stores every message it receives, and the store needs only where the
// users, hosts, ports and tags are: the index keys and the columns. The full parsers (uri.h,
// name_addr.h) check every character against RFC 3261's grammar; on an INVITE that was about
// half of parse + extraction (sip_bench, BM_ParseExtractInvite: the four name-addrs, the
// R-URI and the top Via). Those checks are the verdict, not the parts, and the verdict is only
// read when someone looks at the message: FieldSet::Ingest (sip_capture_fields.h) takes the
// parts from here and leaves the verdict to read time, where every reader parses in full.
//
// Same answer on what parses. On a value the full parser accepts, every part equals the full
// parser's: the grammar pins each part's end to one character (a host in a valid sip: URI can
// only end at ':', ';', '?' or the end), and these splits stop at exactly that character.
// sip/field_views_test checks it on every message at hand and sip_message_fuzz on the fuzz
// corpus. On a value the full parser rejects, the parts are a best-effort split that stays
// inside the value.

#include <cstdint>
#include <string_view>

namespace siphon::sip {

/// The parts of a URI the sip_capture columns read, as parseUri() names them.
struct UriView {
  std::string_view user;       ///< sip/sips: before '@' (and its ':'); tel: the number
  std::string_view host;       ///< without IPv6 brackets
  std::string_view host_text;  ///< as written
  uint16_t port = 0;           ///< 0 when absent or not a 16-bit number
};

/// Splits a sip:, sips: or tel: URI (scheme in any case); any other scheme gives no parts,
/// as the full parse gives none for an opaque URI.
[[nodiscard]] UriView splitUri(std::string_view text);

/// The parts of one name-addr or addr-spec value (From, To, Contact, P-Asserted-Identity).
struct NameAddrView {
  bool found = false;         ///< false: the value has no URI where one belongs
  bool star = false;          ///< Contact: *
  std::string_view uri_text;  ///< inside <...>, or the addr-spec
  std::string_view params;    ///< the header parameters, from their ';'; empty when none
};

/// Finds the URI and the header parameters of `value` as parseNameAddr() locates them: after
/// a quoted display name and '<', after the first '<', or an addr-spec up to its first ';' or
/// LWS.
[[nodiscard]] NameAddrView splitNameAddr(std::string_view value);

/// The first `tag` parameter of `params` (";tag=x;..." text), as parseNameAddr() picks it:
/// the first one, even with an empty value.
[[nodiscard]] std::string_view tagParam(std::string_view params);

/// The branch of one Via value (the top one, already split from its list), as parseVia()
/// takes it: the first `branch` parameter with a value. A Via's parameters follow its sent-by,
/// which holds no ';' (RFC 3261 §20.42), so they start at the first ';'.
[[nodiscard]] std::string_view viaBranch(std::string_view via);

}  // namespace siphon::sip
