#pragma once
// DecodedPacket: what frame decoding found in one captured frame, down to the transport
// payload.
//
// Lifetime: every span here is a view into the frame bytes given to decodeFrame(); it stays
// valid as long as those bytes do (for a pcap source: until the next call to next()). Nothing
// is copied and nothing is allocated.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/ip_address.h"

namespace siphon::net {

/// IP protocol numbers we look at (IANA "Assigned Internet Protocol Numbers").
inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoIpip = 4;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoIpv6 = 41;
inline constexpr uint8_t kIpProtoGre = 47;
inline constexpr uint8_t kIpProtoSctp = 132;

/// Where an IP fragment sits in its datagram. decodeFrame stops at a fragment; IpReassembler
/// (ip_reassembler.h) puts the datagram back together and decodeIpPacket decodes it.
enum class Fragment : uint8_t {
  None,      ///< a whole datagram
  First,     ///< offset 0 with more fragments: the transport header is here, the rest is not
  NonFirst,  ///< offset > 0: no transport header at all
};

/// The outermost tunnel a frame was decapsulated from (frame_decoder.h lists the kinds).
enum class Tunnel : uint8_t {
  None,    ///< no tunnel crossed
  IpInIp,  ///< IPv4 protocol 4 or IPv6 protocol 41 (4in4, 6in4, 4in6, 6in6; RFC 2003, 4213)
  Gre,     ///< GRE carrying IP or a bridged Ethernet frame (RFC 2784, 2890)
  Erspan,  ///< GRE carrying ERSPAN type I, II or III mirrored traffic
  Pptp,    ///< PPTP's enhanced GRE (version 1) carrying a PPP frame (RFC 2637)
};

struct TcpInfo {
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;  ///< FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20
};

struct DecodedPacket {
  core::IpAddress src;
  core::IpAddress dst;
  uint16_t src_port = 0;  ///< 0 unless ip_proto is UDP, TCP or SCTP and the header was decoded
  uint16_t dst_port = 0;
  uint8_t ip_version = 0;  ///< 4 or 6
  uint8_t ip_proto = 0;    ///< the transport protocol (IPv6: after the extension headers)
  uint8_t ttl = 0;         ///< IPv4 TTL / IPv6 hop limit
  uint8_t vlan_depth = 0;  ///< number of 802.1Q/802.1ad tags crossed
  uint16_t vlan_id = 0;    ///< the outermost tag's VLAN id (12 bits), 0 when untagged
  /// Tunnels crossed to reach src/dst. When > 0 the addresses, ports, ip_packet and payload are
  /// the innermost packet's; outer_src/outer_dst are the outermost IP header's. vlan_depth then
  /// counts the tags of every Ethernet layer crossed (an inner bridged or mirrored frame too).
  uint8_t tunnel_depth = 0;
  Tunnel outer_tunnel = Tunnel::None;  ///< the kind of the outermost tunnel
  core::IpAddress outer_src;           ///< empty when tunnel_depth == 0
  core::IpAddress outer_dst;
  Fragment fragment = Fragment::None;
  uint32_t fragment_id = 0;      ///< IPv4 identification or IPv6 fragment-header identification
  uint16_t fragment_offset = 0;  ///< in bytes
  bool more_fragments = false;
  TcpInfo tcp;  ///< valid when ip_proto == TCP and not a fragment

  /// The IP packet from its first header byte to the end of its advertised length (padding
  /// after it excluded). Kept for reassembly and re-encapsulation.
  std::span<const std::byte> ip_packet;
  /// The bytes after the IP header(s): the transport segment. For fragments, the fragment data.
  std::span<const std::byte> l4;
  /// UDP/TCP: the bytes after the transport header (UDP: bounded by the UDP length). SCTP: the
  /// chunks after the 12-byte common header (iterate them with SctpDataChunks, sctp.h). For
  /// other protocols and for fragments: the same as l4.
  std::span<const std::byte> payload;

  [[nodiscard]] bool isFragment() const { return fragment != Fragment::None; }
  /// HEP/Kamailio family value: 2 (AF_INET) or 10 (AF_INET6, Linux numbering as HEP uses it).
  [[nodiscard]] uint8_t family() const { return ip_version == 6 ? 10 : 2; }
};

}  // namespace siphon::net
