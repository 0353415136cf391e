#include "net/ethernet.h"

#include "core/byte_reader.h"

namespace siphon::net {

core::Result<EtherPayload, NetError> decodeEthernet(std::span<const std::byte> frame) {
  core::ByteReader r(frame);
  if (!r.skip(12)) {  // destination + source MAC; we report IP addresses, not MACs
    return core::unexpected(truncatedError("ethernet header"));
  }
  auto type = r.readU16be();
  if (!type) {
    return core::unexpected(truncatedError("ethernet type"));
  }
  return EtherPayload{*type, r.rest()};
}

}  // namespace siphon::net
