#include "sip/field_views.h"

#include <charconv>
#include <cstring>

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

// What ends a sip: host and a port (RFC 3261 §25.1: hostport [uri-parameters] [headers]);
// none of them is a host or port character, so in a URI that parses the first one is where
// the full parse stops too.
constexpr core::CharClass kHostEnd = core::CharClass::of(":;?");
constexpr core::CharClass kPortEnd = core::CharClass::of(";?");

size_t findIn(std::string_view s, size_t from, core::CharClass stop) {
  while (from < s.size() && !stop.contains(s[from])) ++from;
  return from;
}

uint16_t portNumber(std::string_view digits) {
  uint16_t port = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return ec == std::errc{} && ptr == digits.data() + digits.size() ? port : 0;
}

uint32_t word4(const char (&text)[5]) {
  uint32_t w;
  std::memcpy(&w, text, 4);
  return w;
}

}  // namespace

UriView splitUri(std::string_view text) {
  UriView u;
  if (text.size() < 4) return u;  // no "sip:"/"tel:": an opaque URI or none
  const uint32_t scheme = core::swar::lowerAscii(core::swar::load4(text.data()));
  size_t start;
  if (scheme == word4("sip:")) {
    start = 4;
  } else if (scheme == word4("sips") && text.size() >= 5 && text[4] == ':') {
    start = 5;
  } else if (scheme == word4("tel:")) {
    // RFC 3966: the number up to its parameters; uri.cc stores it as the user.
    u.user = text.substr(4, findIn(text, 4, kPortEnd) - 4);
    return u;
  } else {
    return u;
  }
  std::string_view rest = text.substr(start);
  // userinfo ends at the first '@', which is legal neither in hostport nor unescaped after it.
  if (const size_t at = core::swar::findByte(rest.data(), rest.size(), '@'); at != rest.size()) {
    const std::string_view userinfo = rest.substr(0, at);
    u.user = userinfo.substr(0, core::swar::findByte(userinfo.data(), userinfo.size(), ':'));
    rest.remove_prefix(at + 1);
  }
  size_t after;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {  // the full parse rejects it; keep what is there
      u.host = rest.substr(1);
      u.host_text = rest;
      return u;
    }
    u.host = rest.substr(1, close - 1);
    after = close + 1;
    u.host_text = rest.substr(0, after);
  } else {
    after = findIn(rest, 0, kHostEnd);
    u.host = rest.substr(0, after);
    u.host_text = u.host;
  }
  if (after < rest.size() && rest[after] == ':') {
    const size_t end = findIn(rest, after + 1, kPortEnd);
    u.port = portNumber(rest.substr(after + 1, end - after - 1));
  }
  return u;
}

NameAddrView splitNameAddr(std::string_view value) {
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
  } else if (const size_t lt = core::swar::findByte(v.data(), v.size(), '<'); lt != v.size()) {
    (void)cur.skip(lt);
  }
  if (cur.consume('<')) {
    const auto uri = cur.takeUntilChar('>');
    if (!uri) return out;
    (void)cur.consume('>');
    out.uri_text = *uri;
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

std::string_view tagParam(std::string_view params) {
  if (auto tag = leadingParamValue(params, "tag")) return *tag;  // most often the only one
  // parseNameAddr keeps the first tag parameter even when its value is empty.
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (p.name.size() == 3 && core::equalsIgnoreCase(p.name, "tag")) return p.value;
  }
  return {};
}

std::string_view viaBranch(std::string_view via) {
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
