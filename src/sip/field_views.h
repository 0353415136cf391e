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

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_values.h"

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
[[nodiscard]] inline NameAddrView splitNameAddr(std::string_view value);

/// The first `tag` parameter of `params` (";tag=x;..." text), as parseNameAddr() picks it:
/// the first one, even with an empty value.
[[nodiscard]] inline std::string_view tagParam(std::string_view params);

/// tagParam(params) for header parameters inside `value` (a name-addr's, as splitNameAddr()
/// gives them): the same answer, with a leading ";tag=" value's end searched in `value` up to
/// the end of `params` (plainParamValueAt()).
[[nodiscard]] std::string_view tagParamIn(std::string_view value, std::string_view params);

/// The branch of one Via value (the top one, already split from its list), as parseVia()
/// takes it: the first `branch` parameter with a value. A Via's parameters follow its sent-by,
/// which holds no ';' (RFC 3261 §20.42), so they start at the first ';'.
[[nodiscard]] inline std::string_view viaBranch(std::string_view via);

// Defined here, not in field_views.cc, because the tracer's scope-key scan calls them on every
// message it captures: inlined there, the scan measured about 5 % faster (agent_bench,
// BM_ExtractTraced/3/1) than with calls into another object file.

inline NameAddrView splitNameAddr(std::string_view value) {
  NameAddrView out;
  const std::string_view v = core::trimLws(value);
  if (v.empty()) return out;
  if (v.size() == 1 && v[0] == '*') {
    out.found = true;
    out.star = true;
    return out;
  }
  core::TextCursor cur(v);
  if (cur.peekIs('"')) {
    (void)cur.consume('"');
    if (!cur.takeQuotedBody()) return out;
    cur.skipWhile(core::chars::kLws);
    if (!cur.peekIs('<')) return out;
  } else if (const size_t lt = v.find('<'); lt != std::string_view::npos) {
    (void)cur.skip(lt);
  }
  if (cur.consume('<')) {
    // find() rather than takeUntilChar(): its optional, stored to the stack in two 8-byte
    // halves and read back as one 16-byte load, stalled store forwarding on every From/To.
    const std::string_view rest = cur.rest();
    const size_t gt = rest.find('>');
    if (gt == std::string_view::npos) return out;
    out.uri_text = rest.substr(0, gt);
    (void)cur.skip(gt + 1);
  } else {
    out.uri_text = cur.takeUntil(core::chars::kAddrSpecEnd);
  }
  cur.skipWhile(core::chars::kLws);
  const std::string_view params = cur.rest();
  if (!params.empty() && params[0] != ';') return out;  // text after the URI: not a name-addr
  out.params = params;
  out.found = true;
  return out;
}

inline std::string_view tagParam(std::string_view params) {
  if (auto tag = leadingParamValue(params, "tag")) return *tag;  // most often the only one
  // parseNameAddr keeps the first tag parameter even when its value is empty.
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (p.name.size() == 3 && core::equalsIgnoreCase(p.name, "tag")) return p.value;
  }
  return {};
}

inline std::string_view viaBranch(std::string_view via) {
  const size_t semi = via.find(';');
  if (semi == std::string_view::npos) return {};
  const std::string_view params = via.substr(semi);
  if (auto v = leadingParamValue(params, "branch")) return *v;  // most often first: no walk
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (!p.value.empty() && core::equalsIgnoreCase(p.name, "branch")) return p.value;
  }
  return {};
}

}  // namespace siphon::sip
