#include "net/vlan.h"

#include "core/byte_reader.h"

namespace siphon::net {

bool isVlanTpid(uint16_t ether_type) {
  return ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ ||
         ether_type == kEtherTypeQinQOld;
}

core::Result<VlanTags, NetError> stripVlanTags(EtherPayload outer, size_t max_tags) {
  VlanTags tags;
  tags.inner = outer;
  while (isVlanTpid(tags.inner.ether_type)) {
    if (tags.depth >= max_tags) {
      return core::unexpected(NetError{NetErrc::TooManyVlanTags, "vlan stack too deep"});
    }
    // 802.1Q tag after the TPID: 2-byte TCI (PCP, DEI, 12-bit VID), then the next EtherType.
    core::ByteReader r(tags.inner.bytes);
    auto tci = r.readU16be();
    auto next = r.readU16be();
    if (!tci || !next) {
      return core::unexpected(truncatedError("vlan tag"));
    }
    if (tags.depth == 0) {
      tags.outer_id = static_cast<uint16_t>(*tci & 0x0FFF);
    }
    ++tags.depth;
    tags.inner = EtherPayload{*next, r.rest()};
  }
  return tags;
}

}  // namespace siphon::net
