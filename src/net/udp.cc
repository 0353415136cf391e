#include "net/udp.h"

#include "core/byte_reader.h"

namespace siphon::net {

core::Result<void, NetError> decodeUdp(std::span<const std::byte> segment, DecodedPacket& out) {
  core::ByteReader r(segment);
  auto src_port = r.readU16be();
  auto dst_port = r.readU16be();
  auto length = r.readU16be();
  auto checksum = r.readU16be();
  if (!src_port || !dst_port || !length || !checksum) {
    return core::unexpected(truncatedError("udp header"));
  }
  // RFC 768: the length counts the header too.
  if (*length < kUdpHeaderBytes) {
    return core::unexpected(NetError{NetErrc::BadUdpHeader, "udp length below 8"});
  }
  auto payload = r.take(*length - kUdpHeaderBytes);
  if (!payload) {
    return core::unexpected(NetError{NetErrc::BadUdpHeader, "udp length past ip payload"});
  }
  out.src_port = *src_port;
  out.dst_port = *dst_port;
  out.payload = *payload;
  return {};
}

}  // namespace siphon::net
