#pragma once
// decodeFrame: one captured frame → addresses, ports and transport payload.
//
// The layers, each in its own file: link layer (ethernet, linux_cooked, loopback, or none for
// raw IP) → VLAN tags (vlan) → PPPoE session (pppoe) → IPv4/IPv6 (ipv4, ipv6) → tunnels →
// UDP/TCP/SCTP (udp, tcp, sctp). The decoder never allocates and never copies: the result
// views the frame.
//
// Tunnels are opened down to the innermost IP packet, each one counting toward
// FrameDecodeOptions::max_tunnel_depth (a GRE-in-GRE loop stops there):
//   - IP-in-IP (ipip.h): IPv4 protocol 4, IPv6 protocol 41, inside IPv4 or IPv6;
//   - GRE (gre.h) carrying IPv4 (0x0800), IPv6 (0x86DD) or a bridged Ethernet frame (0x6558);
//   - ERSPAN type I, II and III over GRE (erspan.h): the mirrored Ethernet frame;
//   - PPTP's enhanced GRE (version 1, gre.h) carrying a PPP frame (ppp.h) with IPv4 or IPv6.
// An inner Ethernet frame goes through VLAN/PPPoE again. The outermost tunnel and its
// addresses are kept in DecodedPacket (tunnel_depth, outer_tunnel, outer_src, outer_dst).
//
// What it does not do, by design: IP reassembly (decoding stops at a fragment, even an outer
// one; see ip_reassembler.h and decodeIpPacket below), TCP stream reassembly (each segment's
// payload is given as is), SCTP user-message reassembly (sctp.h walks one packet's chunks).
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

/// Real deployments nest one tunnel, rarely two (GRE inside IPsec-less IP-in-IP).
inline constexpr size_t kDefaultMaxTunnelDepth = 4;

struct FrameDecodeOptions {
  size_t max_vlan_tags = kDefaultMaxVlanTags;  ///< per Ethernet layer
  size_t max_ipv6_extension_headers = kDefaultMaxIpv6ExtensionHeaders;
  size_t max_tunnel_depth = kDefaultMaxTunnelDepth;  ///< 0: any tunnel is TooManyTunnels
};

/// True when decodeFrame understands frames of this link type (a DLT_ or LINKTYPE_ value).
[[nodiscard]] bool isSupportedLinkType(uint32_t link_type);

/// Decodes `frame` (the captured bytes, starting at the link-layer header of `link_type`).
/// For UDP, TCP and SCTP the ports and the transport payload are filled; for other IP protocols
/// and for fragments `payload` is the IP payload and the ports stay 0.
/// Errors: Truncated; UnsupportedLinkType / UnsupportedEtherType / UnsupportedLinkFamily /
/// UnsupportedTunnel (not malformed, just not decoded: see isUnsupported()); BadIpHeader,
/// TooManyVlanTags, TooManyExtensionHeaders, BadGreHeader, BadErspanHeader, TooManyTunnels,
/// BadUdpHeader, BadTcpHeader.
[[nodiscard]] core::Result<DecodedPacket, NetError> decodeFrame(
    uint32_t link_type, std::span<const std::byte> frame, const FrameDecodeOptions& options = {});

/// Decodes a bare IP packet (IPv4 or IPv6, told apart by the version nibble) exactly as
/// decodeFrame decodes what follows a link layer: tunnels, then UDP/TCP/SCTP. This is the step
/// for a datagram that IpReassembler put back together. Same result, lifetime (views into
/// `packet`) and errors as decodeFrame; vlan fields stay 0.
[[nodiscard]] core::Result<DecodedPacket, NetError> decodeIpPacket(
    std::span<const std::byte> packet, const FrameDecodeOptions& options = {});

}  // namespace siphon::net
