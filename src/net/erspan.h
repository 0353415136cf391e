#pragma once
// ERSPAN (Cisco Encapsulated Remote SPAN; draft-foschiano-erspan-03): mirrored frames carried
// in GRE.
//
//   type I   GRE protocol 0x88BE, GRE S bit clear: the mirrored Ethernet frame follows the
//            GRE header directly.
//   type II  GRE protocol 0x88BE, GRE S bit set: an 8-byte ERSPAN header (version 1), then
//            the Ethernet frame.
//   type III GRE protocol 0x22EB: a 12-byte header (version 2), plus an 8-byte
//            platform-specific subheader when its O bit is set, then the frame (Ethernet, or
//            an IP packet when the frame type says so).

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/gre.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kErspanIIHeaderBytes = 8;
inline constexpr size_t kErspanIIIHeaderBytes = 12;
inline constexpr size_t kErspanIIISubheaderBytes = 8;

struct ErspanHeader {
  uint8_t type = 0;         ///< 1, 2 or 3
  uint16_t session_id = 0;  ///< 10 bits; 0 for type I, which has no header
  uint16_t vlan = 0;        ///< 12 bits: the mirrored frame's original VLAN; 0 for type I
  /// What the header wraps: ether_type kEtherTypeTransparentEthernet for an Ethernet frame,
  /// kEtherTypeIpv4/kEtherTypeIpv6 for a type III "IP" frame. A view into the GRE payload.
  EtherPayload inner;
};

/// True when a GRE header with this protocol type carries ERSPAN.
[[nodiscard]] bool isErspan(uint16_t gre_protocol);

/// Decodes the ERSPAN header after `gre` (whose protocol must satisfy isErspan()).
/// Errors: Truncated; BadErspanHeader (version field does not match the GRE protocol type);
/// UnsupportedTunnel (a type III frame type other than Ethernet or IP).
[[nodiscard]] core::Result<ErspanHeader, NetError> decodeErspan(const GreHeader& gre);

}  // namespace siphon::net
