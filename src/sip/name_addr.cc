#include "sip/name_addr.h"

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

using core::chars::kLws;
// Tables are namespace-scope constants: built at compile time, never on the stack per call.

// The result is built in place and errors are plain values: a NameAddr is ~300 bytes and
// this runs several times per captured message, so it is never copied on the way out.
std::optional<SipError> finishParams(NameAddr& out, core::TextCursor& cur) {
  cur.skipWhile(kLws);
  out.params = cur.rest();
  if (!out.params.empty() && out.params[0] != ';') {
    return SipError{SipErrc::BadHeaderValue, "name-addr: text after the URI"};
  }
  // One pass validates the parameters and picks the tag (From/To need it).
  ParamIterator it(out.params);
  Param p;
  bool have_tag = false;
  while (it.next(p)) {
    if (!have_tag && p.name.size() == 3 && core::equalsIgnoreCase(p.name, "tag")) {
      out.tag_value = p.value;
      have_tag = true;
    }
  }
  if (it.failed()) return SipError{SipErrc::BadHeaderValue, "name-addr: malformed parameter"};
  return std::nullopt;
}

std::optional<SipError> parseBracketed(NameAddr& out, core::TextCursor& cur) {
  // At '<'. RFC 3261 §25.1: LAQUOT addr-spec RAQUOT, no LWS inside (RFC 4475 badaspec).
  (void)cur.consume('<');
  auto uri_text = cur.takeUntilChar('>');
  if (!uri_text) return SipError{SipErrc::BadHeaderValue, "name-addr: '<' without '>'"};
  (void)cur.consume('>');
  out.uri_text = *uri_text;
  if (!out.uri_text.empty() &&
      (kLws.contains(out.uri_text.front()) || kLws.contains(out.uri_text.back()))) {
    return SipError{SipErrc::BadHeaderValue, "name-addr: LWS inside <>"};
  }
  if (auto err = detail::parseUriFresh(out.uri_text, out.uri)) return err;
  return finishParams(out, cur);
}

}  // namespace

std::optional<SipError> parseNameAddrInto(std::string_view value, NameAddr& out) {
  out = NameAddr{};
  return detail::parseNameAddrFresh(value, out);
}

// `out` is value-initialised: every field not set below stays empty.
std::optional<SipError> detail::parseNameAddrFresh(std::string_view value, NameAddr& out) {
  const std::string_view v = core::trimLws(value);
  if (v.empty()) return SipError{SipErrc::BadHeaderValue, "name-addr: empty value"};
  if (v.size() == 1 && v[0] == '*') {
    out.star = true;
    return std::nullopt;
  }
  core::TextCursor cur(v);
  if (cur.peekIs('"')) {
    (void)cur.consume('"');
    auto quoted = cur.takeQuotedBody();
    if (!quoted) {
      return SipError{SipErrc::BadHeaderValue, "name-addr: unterminated quoted display name"};
    }
    out.display_name = *quoted;
    out.display_name_quoted = true;
    cur.skipWhile(kLws);
    if (!cur.peekIs('<')) return SipError{SipErrc::BadHeaderValue, "name-addr: no <uri>"};
    return parseBracketed(out, cur);
  }
  const size_t lt = v.find('<');
  if (lt != std::string_view::npos) {
    out.display_name = core::trimLws(v.substr(0, lt));
    if (out.display_name.find(',') != std::string_view::npos) {
      return SipError{SipErrc::BadHeaderValue, "name-addr: ',' in unquoted display name"};
    }
    (void)cur.skip(lt);
    return parseBracketed(out, cur);
  }
  // addr-spec: the URI runs to the first ';' (RFC 3261 §20.10: such params are header params)
  // or to LWS before one.
  out.uri_text = cur.takeUntil(core::chars::kAddrSpecEnd);
  if (out.uri_text.find_first_of("?,") != std::string_view::npos) {
    return SipError{SipErrc::BadHeaderValue, "addr-spec with '?' or ',' must be in <>"};
  }
  if (auto err = detail::parseUriFresh(out.uri_text, out.uri)) return err;
  return finishParams(out, cur);
}

SipResult<NameAddr> parseNameAddr(std::string_view value) {
  NameAddr out;
  if (auto err = detail::parseNameAddrFresh(value, out)) return core::unexpected(*err);
  return out;
}

}  // namespace siphon::sip
