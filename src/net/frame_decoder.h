#pragma once
// decodeFrame: one captured frame → addresses, ports and transport payload.
//
// The layers, each in its own file: link layer (ethernet, linux_cooked, loopback, or none for
// raw IP) → VLAN tags (vlan) → PPPoE session (pppoe) → IPv4/IPv6 (ipv4, ipv6) → UDP/TCP
// (udp, tcp). The decoder never allocates and never copies: the result views the frame.
//
// What it does not do yet, by design: IP reassembly (fragments are flagged, see
// DecodedPacket::fragment), TCP stream reassembly (each segment's payload is given as is),
// IP-in-IP and GRE decapsulation (the outer packet is reported with ip_proto 4/41/47).
//
// Thread-safety: a pure function; call it from any thread.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/ipv6.h"
#include "net/link_type.h"
#include "net/net_error.h"
#include "net/vlan.h"

namespace siphon::net {

struct FrameDecodeOptions {
  size_t max_vlan_tags = kDefaultMaxVlanTags;
  size_t max_ipv6_extension_headers = kDefaultMaxIpv6ExtensionHeaders;
};

/// True when decodeFrame understands frames of this link type (a DLT_ or LINKTYPE_ value).
[[nodiscard]] bool isSupportedLinkType(uint32_t link_type);

/// Decodes `frame` (the captured bytes, starting at the link-layer header of `link_type`).
/// For UDP and TCP the ports and the transport payload are filled; for other IP protocols and
/// for fragments `payload` is the IP payload and the ports stay 0.
/// Errors: Truncated; UnsupportedLinkType / UnsupportedEtherType / UnsupportedLinkFamily (not
/// malformed, just not decoded: see isUnsupported()); BadIpHeader, TooManyVlanTags,
/// TooManyExtensionHeaders, BadUdpHeader, BadTcpHeader.
[[nodiscard]] core::Result<DecodedPacket, NetError> decodeFrame(
    uint32_t link_type, std::span<const std::byte> frame, const FrameDecodeOptions& options = {});

}  // namespace siphon::net
