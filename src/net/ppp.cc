#include "net/ppp.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {
// RFC 1332 / RFC 5072: PPP protocol numbers of IPv4 and IPv6 datagrams.
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;
// RFC 1662 §3.1: the All-Stations address and the Unnumbered Information control byte.
constexpr std::byte kAllStations{0xFF};
constexpr std::byte kUnnumberedInfo{0x03};
}  // namespace

core::Result<EtherPayload, NetError> decodePppFrame(std::span<const std::byte> bytes) {
  // 0xFF is never the first byte of a protocol field (it would be a one-byte protocol with an
  // odd high byte), so its presence alone says the Address and Control fields are there.
  if (!bytes.empty() && bytes[0] == kAllStations) {
    if (bytes.size() < 2) return core::unexpected(truncatedError("ppp control"));
    if (bytes[1] != kUnnumberedInfo) {
      return core::unexpected(NetError{NetErrc::UnsupportedEtherType, "ppp control not UI"});
    }
    bytes = bytes.subspan(2);
  }
  core::ByteReader r(bytes);
  auto first = r.readU8();
  if (!first) return core::unexpected(truncatedError("ppp protocol"));
  uint16_t protocol = *first;
  if ((*first & 1) == 0) {  // not compressed: a second byte follows
    auto second = r.readU8();
    if (!second) return core::unexpected(truncatedError("ppp protocol"));
    protocol = static_cast<uint16_t>(protocol << 8 | *second);
  }
  if (protocol == kPppIpv4) return EtherPayload{kEtherTypeIpv4, r.rest()};
  if (protocol == kPppIpv6) return EtherPayload{kEtherTypeIpv6, r.rest()};
  return core::unexpected(NetError{NetErrc::UnsupportedEtherType, "ppp protocol not ip"});
}

}  // namespace siphon::net
