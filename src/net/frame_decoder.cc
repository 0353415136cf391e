#include "net/frame_decoder.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "net/erspan.h"
#include "net/ethernet.h"
#include "net/gre.h"
#include "net/ipip.h"
#include "net/ipv4.h"
#include "net/linux_cooked.h"
#include "net/loopback.h"
#include "net/ppp.h"
#include "net/pppoe.h"
#include "net/sctp.h"
#include "net/tcp.h"
#include "net/udp.h"

namespace siphon::net {

namespace {

/// Raw-IP link types carry no header: the IP version nibble says what follows.
core::Result<EtherPayload, NetError> raw(std::span<const std::byte> frame) {
  core::ByteReader r(frame);
  auto first = r.readU8();
  if (!first) {
    return core::unexpected(truncatedError("raw ip: empty frame"));
  }
  switch (*first >> 4) {
    case 4:
      return EtherPayload{kEtherTypeIpv4, frame};
    case 6:
      return EtherPayload{kEtherTypeIpv6, frame};
    default:
      return core::unexpected(NetError{NetErrc::BadIpHeader, "raw ip: version not 4 or 6"});
  }
}

core::Result<EtherPayload, NetError> linkLayer(uint32_t link_type,
                                               std::span<const std::byte> frame) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::Ethernet:
      return decodeEthernet(frame);
    case LinkType::LinuxSll:
      return decodeLinuxSll(frame);
    case LinkType::LinuxSll2:
      return decodeLinuxSll2(frame);
    case LinkType::Null:
      return decodeLoopback(frame, LoopbackOrder::CapturingHost);
    case LinkType::Loop:
      return decodeLoopback(frame, LoopbackOrder::Network);
    case LinkType::RawDlt:
    case LinkType::RawOpenBsd:
    case LinkType::Raw:
      return raw(frame);
    case LinkType::Ipv4:
      return EtherPayload{kEtherTypeIpv4, frame};
    case LinkType::Ipv6:
      return EtherPayload{kEtherTypeIpv6, frame};
  }
  return core::unexpected(NetError{NetErrc::UnsupportedLinkType, "link type"});
}

// Runs one Ethernet-type payload down to the innermost IP packet and its transport header.
// A loop rather than recursion: each tunnel replaces `next` with what it wraps, and the depth
// counter (not the stack) bounds the nesting.
core::Result<void, NetError> network(EtherPayload next, const FrameDecodeOptions& options,
                                     DecodedPacket& out) {
  while (true) {
    if (next.ether_type == kEtherTypeTransparentEthernet) {
      SIPHON_ASSIGN_OR_RETURN(next, decodeEthernet(next.bytes));
    }
    SIPHON_ASSIGN_OR_RETURN(VlanTags tags, stripVlanTags(next, options.max_vlan_tags));
    if (out.vlan_depth == 0) {
      out.vlan_id = tags.outer_id;  // the outermost tag, wherever it was
    }
    out.vlan_depth = static_cast<uint8_t>(std::min<size_t>(out.vlan_depth + tags.depth, 255));
    next = tags.inner;
    if (next.ether_type == kEtherTypePppoeSession) {
      SIPHON_ASSIGN_OR_RETURN(next, decodePppoeSession(next.bytes));
    }
    // An inner header sets its own fragment fields (IPv6 only when it has a fragment header).
    out.fragment = Fragment::None;
    out.fragment_id = 0;
    out.fragment_offset = 0;
    out.more_fragments = false;
    switch (next.ether_type) {
      case kEtherTypeIpv4:
        SIPHON_TRY(decodeIpv4(next.bytes, out));
        break;
      case kEtherTypeIpv6:
        SIPHON_TRY(decodeIpv6(next.bytes, out, options.max_ipv6_extension_headers));
        break;
      default:
        // Includes IEEE 802.3 length fields (<= 1500): LLC frames such as STP and CDP.
        return core::unexpected(NetError{NetErrc::UnsupportedEtherType, "ether type not ip"});
    }
    if (out.isFragment()) {
      return {};  // a fragment's payload is only part of what it carries: reassemble first
    }
    Tunnel kind = Tunnel::None;
    if (auto ipip = ipInIpPayload(out.ip_proto, out.l4)) {
      kind = Tunnel::IpInIp;
      next = *ipip;
    } else if (out.ip_proto == kIpProtoGre) {
      SIPHON_ASSIGN_OR_RETURN(GreHeader gre, decodeGre(out.l4));
      if (isErspan(gre.protocol)) {
        SIPHON_ASSIGN_OR_RETURN(ErspanHeader erspan, decodeErspan(gre));
        kind = Tunnel::Erspan;
        next = erspan.inner;
      } else if (gre.protocol == kEtherTypeIpv4 || gre.protocol == kEtherTypeIpv6 ||
                 gre.protocol == kEtherTypeTransparentEthernet) {
        kind = Tunnel::Gre;
        next = gre.inner();
      } else if (gre.protocol == kGreProtocolPpp && gre.version == 1) {
        kind = Tunnel::Pptp;
        SIPHON_ASSIGN_OR_RETURN(next, decodePppFrame(gre.payload));
      } else {
        return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "gre payload not ip"});
      }
    } else {
      return {};
    }
    if (out.tunnel_depth >= options.max_tunnel_depth) {
      return core::unexpected(NetError{NetErrc::TooManyTunnels, "tunnels nested too deep"});
    }
    if (out.tunnel_depth == 0) {
      out.outer_tunnel = kind;
      out.outer_src = out.src;
      out.outer_dst = out.dst;
    }
    ++out.tunnel_depth;
  }
}

core::Result<void, NetError> transport(DecodedPacket& out) {
  if (out.isFragment()) {
    return {};  // only the first fragment has a transport header, and never a whole payload
  }
  switch (out.ip_proto) {
    case kIpProtoUdp:
      return decodeUdp(out.l4, out);
    case kIpProtoTcp:
      return decodeTcp(out.l4, out);
    case kIpProtoSctp:
      return decodeSctp(out.l4, out);
    default:
      return {};
  }
}

}  // namespace

bool isSupportedLinkType(uint32_t link_type) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::Null:
    case LinkType::Ethernet:
    case LinkType::RawDlt:
    case LinkType::RawOpenBsd:
    case LinkType::Raw:
    case LinkType::Loop:
    case LinkType::LinuxSll:
    case LinkType::Ipv4:
    case LinkType::Ipv6:
    case LinkType::LinuxSll2:
      return true;
  }
  return false;
}

core::Result<DecodedPacket, NetError> decodeFrame(uint32_t link_type,
                                                  std::span<const std::byte> frame,
                                                  const FrameDecodeOptions& options) {
  DecodedPacket out;
  SIPHON_ASSIGN_OR_RETURN(EtherPayload l2, linkLayer(link_type, frame));
  SIPHON_TRY(network(l2, options, out));
  SIPHON_TRY(transport(out));
  return out;
}

core::Result<DecodedPacket, NetError> decodeIpPacket(std::span<const std::byte> packet,
                                                     const FrameDecodeOptions& options) {
  DecodedPacket out;
  SIPHON_ASSIGN_OR_RETURN(EtherPayload l3, raw(packet));
  SIPHON_TRY(network(l3, options, out));
  SIPHON_TRY(transport(out));
  return out;
}

}  // namespace siphon::net
