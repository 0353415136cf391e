#include "sip/uri.h"

#include <charconv>
#include <cstring>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
constexpr core::CharClass kSchemeChars = core::chars::kAlnum | core::CharClass::of("+-.");
constexpr core::CharClass kParamsEnd = core::CharClass::of(";?");
constexpr core::CharClass kHeadersStart = core::CharClass::of("?");
// Nothing in a URI is LWS or a control character (RFC 4475 lwsruri, badaspec).
constexpr core::CharClass kNotInUri = core::CharClass::range(0, 0x20) | core::CharClass::of("\x7f");

SipResult<uint16_t> parsePort(std::string_view digits) {
  uint16_t port = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size()) {
    return sipError(SipErrc::BadUri, "port is not a 16-bit number");
  }
  return port;
}

// hostport [params] [? headers] of a sip/sips URI (the part after userinfo@).
SipResult<bool> parseHostPortEtc(std::string_view rest, Uri& uri) {
  core::TextCursor cur(rest);
  const size_t host_start = cur.position();
  if (cur.consume('[')) {
    uri.host = cur.takeWhile(core::chars::kIpv6);
    if (uri.host.empty() || !cur.consume(']')) {
      return sipError(SipErrc::BadUri, "IPv6 reference not closed by ]");
    }
    uri.host_is_ipv6 = true;
    uri.host_text = cur.since(host_start);
  } else {
    // From one local: `host_text = host` read back what two stores had just written, a
    // store-forwarding stall (field_views.cc's splitUri says more).
    const std::string_view host = cur.takeWhile(core::chars::kHost);
    uri.host = host;
    uri.host_text = host;
    if (uri.host.empty()) return sipError(SipErrc::BadUri, "empty host");
  }
  if (cur.consume(':')) {
    uri.port_text = cur.takeUntil(kParamsEnd);
    auto port = parsePort(uri.port_text);
    if (!port) return core::unexpected(port.error());
    uri.port = *port;
  }
  if (cur.peekIs(';')) {
    const std::string_view after = cur.rest();
    uri.params = after.substr(0, core::swar::findByte(after.data(), after.size(), '?'));
    (void)cur.skip(uri.params.size());
  }
  if (cur.consume('?')) uri.headers = cur.takeRest();
  if (!cur.empty()) return sipError(SipErrc::BadUri, "unexpected character after host");
  return true;
}

}  // namespace

SipResult<Uri> parseUri(std::string_view text) {
  Uri uri;
  if (auto err = detail::parseUriFresh(text, uri)) return core::unexpected(*err);
  return uri;
}

std::optional<SipError> parseUriInto(std::string_view text, Uri& uri) {
  uri = Uri{};
  return detail::parseUriFresh(text, uri);
}

std::optional<SipError> detail::parseUriFresh(std::string_view text, Uri& uri) {
  uri.text = text;
  const char* const p = text.data();
  const size_t n = text.size();
  // One pass: reject LWS/control characters and note the first '@' (userinfo end). A word at a
  // time while 8 bytes remain, then byte by byte; nothing outside `text` is read.
  size_t at = std::string_view::npos;
  size_t i = 0;
  if constexpr (core::swar::kLittleEndian) {
    namespace sw = core::swar;
    for (; n - i >= 8; i += 8) {
      const uint64_t w = sw::load8(p + i);
      if ((sw::bytesBelow(w, 0x21) | sw::bytesEqual(w, '\x7f')) != 0) {
        return SipError{SipErrc::BadUri, "LWS or control char in URI"};
      }
      if (at == std::string_view::npos) {
        if (const uint64_t m = sw::bytesEqual(w, '@')) at = i + sw::firstFlagged(m);
      }
    }
  }
  for (; i < n; ++i) {
    const char c = p[i];
    if (kNotInUri.contains(c)) return SipError{SipErrc::BadUri, "LWS or control char in URI"};
    if (c == '@' && at == std::string_view::npos) at = i;
  }
  // Scheme: the common ones by one 4-byte comparison, others through the generic path.
  size_t scheme_len = 0;
  if (n >= 4) {
    const uint32_t w = core::swar::lowerAscii(core::swar::load4(p));
    uint32_t sip_colon;
    uint32_t sips;
    uint32_t tel_colon;
    std::memcpy(&sip_colon, "sip:", 4);
    std::memcpy(&sips, "sips", 4);
    std::memcpy(&tel_colon, "tel:", 4);
    if (w == sip_colon) {
      uri.scheme = UriScheme::Sip;
      scheme_len = 3;
    } else if (w == tel_colon) {
      uri.scheme = UriScheme::Tel;
      scheme_len = 3;
    } else if (w == sips && n >= 5 && p[4] == ':') {
      uri.scheme = UriScheme::Sips;
      scheme_len = 4;
    }
  }
  core::TextCursor cur(text);
  if (scheme_len != 0) {
    uri.scheme_text = text.substr(0, scheme_len);
    (void)cur.skip(scheme_len + 1);
  } else {
    uri.scheme_text = cur.takeWhile(kSchemeChars);
    if (uri.scheme_text.empty() || !core::chars::kAlpha.contains(uri.scheme_text[0]) ||
        !cur.consume(':')) {
      return SipError{SipErrc::BadUri, "URI without scheme"};
    }
    // Not "sip:"/"sips:"/"tel:" at the start, so the scheme is none of them.
  }
  std::string_view rest = cur.rest();
  uri.opaque = rest;
  switch (uri.scheme) {
    case UriScheme::Other:
      return std::nullopt;
    case UriScheme::Tel: {
      // RFC 3966: telephone-subscriber = number *par; the number is the user for storage.
      core::TextCursor tel(rest);
      uri.user = tel.takeUntil(kParamsEnd);
      if (uri.user.empty()) return SipError{SipErrc::BadUri, "tel URI without number"};
      if (tel.peekIs(';')) uri.params = tel.takeUntil(kHeadersStart);
      if (tel.consume('?')) uri.headers = tel.takeRest();
      return std::nullopt;
    }
    case UriScheme::Sip:
    case UriScheme::Sips:
      break;
  }
  // userinfo ends at the first '@': '@' is legal neither in hostport, nor unescaped in
  // URI parameters or headers (RFC 3261 §25.1 paramchar / hvalue).
  if (at != std::string_view::npos && at >= cur.position()) {
    at -= cur.position();  // offset in `rest`
    const std::string_view userinfo = rest.substr(0, at);
    // ':' is not a user character, so the first one starts the password (RFC 4475 intmeth).
    const size_t colon = core::swar::findByte(userinfo.data(), userinfo.size(), ':');
    uri.user = userinfo.substr(0, colon);
    if (colon != userinfo.size()) uri.password = userinfo.substr(colon + 1);
    if (uri.user.empty()) return SipError{SipErrc::BadUri, "empty user before @"};
    rest = rest.substr(at + 1);
  }
  auto ok = parseHostPortEtc(rest, uri);
  if (!ok) return ok.error();
  return std::nullopt;
}

}  // namespace siphon::sip
