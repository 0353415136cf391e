#include "net/pppoe.h"

#include "core/byte_reader.h"
#include "net/ppp.h"

namespace siphon::net {

core::Result<EtherPayload, NetError> decodePppoeSession(std::span<const std::byte> bytes) {
  core::ByteReader r(bytes);
  // RFC 2516 §4: VER/TYPE (1), CODE (1), SESSION_ID (2), LENGTH (2); LENGTH counts the PPP
  // payload including the protocol field and excludes Ethernet padding.
  auto ver_type = r.readU8();
  auto code = r.readU8();
  auto session = r.readU16be();
  auto length = r.readU16be();
  if (!ver_type || !code || !session || !length) {
    return core::unexpected(truncatedError("pppoe header"));
  }
  auto ppp = r.take(*length);
  if (!ppp) {
    return core::unexpected(truncatedError("pppoe length past frame"));
  }
  // RFC 2516 §7: the PPP frame without Address and Control; decodePppFrame takes it either way.
  return decodePppFrame(*ppp);
}

}  // namespace siphon::net
