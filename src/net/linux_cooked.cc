#include "net/linux_cooked.h"

#include "core/byte_reader.h"

namespace siphon::net {

core::Result<EtherPayload, NetError> decodeLinuxSll(std::span<const std::byte> frame) {
  core::ByteReader r(frame);
  // The protocol field is the last of the 16 header bytes.
  if (!r.skip(kLinuxSllHeaderBytes - 2)) {
    return core::unexpected(truncatedError("sll header"));
  }
  auto protocol = r.readU16be();
  if (!protocol) {
    return core::unexpected(truncatedError("sll protocol"));
  }
  return EtherPayload{*protocol, r.rest()};
}

core::Result<EtherPayload, NetError> decodeLinuxSll2(std::span<const std::byte> frame) {
  core::ByteReader r(frame);
  // The protocol field comes first in v2; 18 more header bytes follow it.
  auto protocol = r.readU16be();
  if (!protocol || !r.skip(kLinuxSll2HeaderBytes - 2)) {
    return core::unexpected(truncatedError("sll2 header"));
  }
  return EtherPayload{*protocol, r.rest()};
}

}  // namespace siphon::net
