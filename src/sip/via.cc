#include "sip/via.h"

#include <charconv>

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

using core::chars::kLws;

}  // namespace

SipResult<Via> parseVia(std::string_view value) {
  Via via;
  if (auto err = detail::parseViaFresh(value, via)) return core::unexpected(*err);
  return via;
}

std::optional<SipError> parseViaInto(std::string_view value, Via& via) {
  via = Via{};
  return detail::parseViaFresh(value, via);
}

std::optional<SipError> detail::parseViaFresh(std::string_view value, Via& via) {
  via.text = core::trimLws(value);
  core::TextCursor cur(via.text);
  via.protocol_name = cur.takeWhile(core::chars::kToken);
  cur.skipWhile(kLws);
  if (via.protocol_name.empty() || !cur.consume('/')) {
    return SipError{SipErrc::BadHeaderValue, "Via: bad sent-protocol"};
  }
  cur.skipWhile(kLws);
  via.protocol_version = cur.takeWhile(core::chars::kToken);
  cur.skipWhile(kLws);
  if (via.protocol_version.empty() || !cur.consume('/')) {
    return SipError{SipErrc::BadHeaderValue, "Via: bad sent-protocol"};
  }
  cur.skipWhile(kLws);
  via.transport = cur.takeWhile(core::chars::kToken);
  if (via.transport.empty() || !cur.peekIn(kLws)) {
    return SipError{SipErrc::BadHeaderValue, "Via: bad transport"};
  }
  cur.skipWhile(kLws);
  const size_t host_start = cur.position();
  if (cur.consume('[')) {
    via.host = cur.takeWhile(core::chars::kIpv6);
    if (via.host.empty() || !cur.consume(']')) {
      return SipError{SipErrc::BadHeaderValue, "Via: IPv6 reference not closed"};
    }
    via.host_is_ipv6 = true;
    via.host_text = cur.since(host_start);
  } else {
    // From one local, as in uri.cc: no reading back of what was just stored.
    const std::string_view host = cur.takeWhile(core::chars::kHost);
    via.host = host;
    via.host_text = host;
  }
  if (via.host.empty()) return SipError{SipErrc::BadHeaderValue, "Via: empty sent-by host"};
  cur.skipWhile(kLws);
  if (cur.consume(':')) {
    cur.skipWhile(kLws);
    via.port_text = cur.takeWhile(core::chars::kDigit);
    auto [ptr, ec] = std::from_chars(via.port_text.data(),
                                     via.port_text.data() + via.port_text.size(), via.port);
    if (via.port_text.empty() || ec != std::errc{} ||
        ptr != via.port_text.data() + via.port_text.size()) {
      return SipError{SipErrc::BadHeaderValue, "Via: port is not a 16-bit number"};
    }
  }
  via.params = cur.rest();
  ParamIterator it(via.params);
  Param p;
  while (it.next(p)) {
    if (core::equalsIgnoreCase(p.name, "branch")) {
      if (via.branch.empty()) via.branch = p.value;
    } else if (core::equalsIgnoreCase(p.name, "received")) {
      if (via.received.empty()) via.received = p.value;
    } else if (core::equalsIgnoreCase(p.name, "rport")) {
      via.has_rport = true;
      via.rport = p.value;
    }
  }
  if (it.failed()) return SipError{SipErrc::BadHeaderValue, "Via: malformed parameter"};
  return std::nullopt;
}

}  // namespace siphon::sip
