#include "net/loopback.h"

#include "core/byte_order.h"
#include "core/byte_reader.h"

namespace siphon::net {

core::Result<EtherPayload, NetError> decodeLoopback(std::span<const std::byte> frame,
                                                    LoopbackOrder order) {
  core::ByteReader r(frame);
  auto family = order == LoopbackOrder::Network ? r.readU32be() : r.readU32le();
  if (!family) {
    return core::unexpected(truncatedError("loopback header"));
  }
  uint32_t af = *family;
  // LINKTYPE_NULL: the writer's byte order is unknown. Every AF_ value fits in 16 bits, so a
  // value whose low half is zero was written big-endian.
  if (order == LoopbackOrder::CapturingHost && (af & 0xFFFFu) == 0) {
    af = core::byteSwap(af);
  }
  switch (af) {
    case 2:  // AF_INET on every system
      return EtherPayload{kEtherTypeIpv4, r.rest()};
    case 10:  // AF_INET6: Linux
    case 24:  // NetBSD, OpenBSD, BSD/OS
    case 28:  // FreeBSD, DragonFly
    case 30:  // Darwin
      return EtherPayload{kEtherTypeIpv6, r.rest()};
    default:
      return core::unexpected(NetError{NetErrc::UnsupportedLinkFamily, "loopback family"});
  }
}

}  // namespace siphon::net
