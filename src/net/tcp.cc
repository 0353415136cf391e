#include "net/tcp.h"

#include "core/byte_reader.h"

namespace siphon::net {

core::Result<void, NetError> decodeTcp(std::span<const std::byte> segment, DecodedPacket& out) {
  core::ByteReader r(segment);
  auto src_port = r.readU16be();
  auto dst_port = r.readU16be();
  auto seq = r.readU32be();
  auto ack = r.readU32be();
  auto offset_flags = r.readU16be();
  auto window = r.readU16be();
  auto checksum = r.readU16be();
  auto urgent = r.readU16be();
  if (!src_port || !dst_port || !seq || !ack || !offset_flags || !window || !checksum || !urgent) {
    return core::unexpected(truncatedError("tcp header"));
  }
  // RFC 9293 §3.1: data offset (4 bits, 32-bit words, >= 5), reserved, then the flag bits.
  const size_t header_bytes = static_cast<size_t>(*offset_flags >> 12) * 4;
  if (header_bytes < kTcpMinHeaderBytes) {
    return core::unexpected(NetError{NetErrc::BadTcpHeader, "tcp data offset below 5"});
  }
  if (!r.skip(header_bytes - kTcpMinHeaderBytes)) {  // options
    return core::unexpected(NetError{NetErrc::BadTcpHeader, "tcp data offset past segment"});
  }
  out.src_port = *src_port;
  out.dst_port = *dst_port;
  out.tcp = TcpInfo{*seq, *ack, static_cast<uint8_t>(*offset_flags & 0x3F)};
  out.payload = r.rest();
  return {};
}

}  // namespace siphon::net
