#include "sip/field_views.h"

#include <charconv>
#include <cstring>

#include "core/block_scan.h"
#include "core/char_class.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

// What ends a sip: host is ':' ';' '?', and a port or a tel: number ';' '?' (RFC 3261 §25.1:
// hostport [uri-parameters] [headers]; RFC 3966). None of them is a host, port or number
// character, so in a URI that parses the first one is where the full parse stops too. A host
// and its port are 10-40 bytes at the end of a URI: 16 bytes are tested at once
// (core::block_scan::findAnyOf).
using core::block_scan::findAnyOf;

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
    u.user = text.substr(4, findAnyOf<';', '?'>(text, 4) - 4);
    return u;
  } else {
    return u;
  }
  // Offsets are in `text`, so that the host and port scans can read the bytes before them.
  size_t host = start;
  // userinfo ends at the first '@', which is legal neither in hostport nor unescaped after it.
  const size_t at = findAnyOf<'@'>(text, start);
  if (at != text.size()) {
    const std::string_view userinfo = text.substr(start, at - start);
    u.user = userinfo.substr(0, core::swar::findByte(userinfo.data(), userinfo.size(), ':'));
    host = at + 1;
  }
  size_t after;
  if (host < text.size() && text[host] == '[') {
    const size_t close = text.find(']', host);
    if (close == std::string_view::npos) {  // the full parse rejects it; keep what is there
      u.host = text.substr(host + 1);
      u.host_text = text.substr(host);
      return u;
    }
    u.host = text.substr(host + 1, close - host - 1);
    after = close + 1;
    u.host_text = text.substr(host, after - host);
  } else {
    after = findAnyOf<':', ';', '?'>(text, host);
    // Both from the registers: `u.host_text = u.host` read back as one 16-byte load what two
    // 8-byte stores had just written, which the CPU cannot forward (a stall of about a dozen
    // cycles, the hottest instruction of splitUri in a perf profile of pipeline_bench).
    const std::string_view h = text.substr(host, after - host);
    u.host = h;
    u.host_text = h;
  }
  if (after < text.size() && text[after] == ':') {
    const size_t end = findAnyOf<';', '?'>(text, after + 1);
    u.port = portNumber(text.substr(after + 1, end - after - 1));
  }
  return u;
}

std::string_view tagParamIn(std::string_view value, std::string_view params) {
  // ";tag=value", leadingParamValue()'s case, with the value read in the text of `value` up to
  // the end of `params` (splitNameAddr() leaves trailing LWS out of them).
  if (params.size() > 5 && params[0] == ';' && (params[1] | 0x20) == 't' &&
      (params[2] | 0x20) == 'a' && (params[3] | 0x20) == 'g' && params[4] == '=') {
    const auto at = static_cast<size_t>(params.data() - value.data());
    if (auto tag = plainParamValueAt(value.substr(0, at + params.size()), at + 5)) return *tag;
  }
  return tagParam(params);
}

}  // namespace siphon::sip
