#include "net/pppoe.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {
// RFC 1332 / RFC 5072: PPP protocol numbers of IPv4 and IPv6 datagrams.
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;
}  // namespace

core::Result<EtherPayload, NetError> decodePppoeSession(std::span<const std::byte> bytes) {
  core::ByteReader r(bytes);
  // RFC 2516 §4: VER/TYPE (1), CODE (1), SESSION_ID (2), LENGTH (2); LENGTH counts the PPP
  // payload including the protocol field and excludes Ethernet padding.
  auto ver_type = r.readU8();
  auto code = r.readU8();
  auto session = r.readU16be();
  auto length = r.readU16be();
  if (!ver_type || !code || !session || !length) {
    return core::unexpected(NetError{NetErrc::Truncated, "pppoe header"});
  }
  auto ppp = r.take(*length);
  if (!ppp) {
    return core::unexpected(NetError{NetErrc::Truncated, "pppoe length past frame"});
  }
  core::ByteReader p(*ppp);
  auto protocol = p.readU16be();
  if (!protocol) {
    return core::unexpected(NetError{NetErrc::Truncated, "ppp protocol"});
  }
  if (*protocol == kPppIpv4) {
    return EtherPayload{kEtherTypeIpv4, p.rest()};
  }
  if (*protocol == kPppIpv6) {
    return EtherPayload{kEtherTypeIpv6, p.rest()};
  }
  return core::unexpected(NetError{NetErrc::UnsupportedEtherType, "ppp protocol not ip"});
}

}  // namespace siphon::net
