#pragma once
// IP-in-IP: an IPv4 or IPv6 packet as the payload of another (RFC 2003 IPv4 protocol 4,
// RFC 4213 / RFC 2473 protocol 41). There is no tunnel header: the inner packet starts right
// after the outer IP header(s), so the only job is to name what follows.

#include <cstdint>
#include <optional>
#include <span>

#include "net/decoded_packet.h"
#include "net/ether_type.h"

namespace siphon::net {

/// The inner packet of an IP-in-IP packet, as an EtherType (IPv4 or IPv6) and its bytes (the
/// outer `l4`); nullopt when `ip_proto` is neither 4 nor 41. The version nibble of the inner
/// packet is checked by its decoder, not here.
[[nodiscard]] inline std::optional<EtherPayload> ipInIpPayload(uint8_t ip_proto,
                                                               std::span<const std::byte> l4) {
  if (ip_proto == kIpProtoIpip) {
    return EtherPayload{kEtherTypeIpv4, l4};
  }
  if (ip_proto == kIpProtoIpv6) {
    return EtherPayload{kEtherTypeIpv6, l4};
  }
  return std::nullopt;
}

}  // namespace siphon::net
