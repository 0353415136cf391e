#include "net/frame_decoder.h"

#include "core/byte_reader.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/linux_cooked.h"
#include "net/loopback.h"
#include "net/pppoe.h"
#include "net/tcp.h"
#include "net/udp.h"

namespace siphon::net {

namespace {

/// Raw-IP link types carry no header: the IP version nibble says what follows.
core::Result<EtherPayload, NetError> raw(std::span<const std::byte> frame) {
  core::ByteReader r(frame);
  auto first = r.readU8();
  if (!first) {
    return core::unexpected(NetError{NetErrc::Truncated, "raw ip: empty frame"});
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

core::Result<void, NetError> network(EtherPayload l2, const FrameDecodeOptions& options,
                                     DecodedPacket& out) {
  SIPHON_ASSIGN_OR_RETURN(VlanTags tags, stripVlanTags(l2, options.max_vlan_tags));
  out.vlan_depth = tags.depth;
  out.vlan_id = tags.outer_id;
  EtherPayload inner = tags.inner;
  if (inner.ether_type == kEtherTypePppoeSession) {
    SIPHON_ASSIGN_OR_RETURN(inner, decodePppoeSession(inner.bytes));
  }
  switch (inner.ether_type) {
    case kEtherTypeIpv4:
      return decodeIpv4(inner.bytes, out);
    case kEtherTypeIpv6:
      return decodeIpv6(inner.bytes, out, options.max_ipv6_extension_headers);
    default:
      // Includes IEEE 802.3 length fields (<= 1500): LLC frames such as STP and CDP.
      return core::unexpected(NetError{NetErrc::UnsupportedEtherType, "ether type not ip"});
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
  if (out.isFragment()) {
    return out;  // only the first fragment has a transport header, and never a whole payload
  }
  if (out.ip_proto == kIpProtoUdp) {
    SIPHON_TRY(decodeUdp(out.l4, out));
  } else if (out.ip_proto == kIpProtoTcp) {
    SIPHON_TRY(decodeTcp(out.l4, out));
  }
  return out;
}

}  // namespace siphon::net
