#include "net/ipv4.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {
NetError badIpv4(std::string_view why) { return NetError{NetErrc::BadIpHeader, why}; }
}  // namespace

core::Result<void, NetError> decodeIpv4(std::span<const std::byte> bytes, DecodedPacket& out) {
  core::ByteReader r(bytes);
  auto ver_ihl = r.readU8();
  auto tos = r.readU8();
  auto total_length = r.readU16be();
  auto id = r.readU16be();
  auto flags_offset = r.readU16be();
  auto ttl = r.readU8();
  auto proto = r.readU8();
  auto checksum = r.readU16be();
  auto src = r.take(4);
  auto dst = r.take(4);
  if (!ver_ihl || !tos || !total_length || !id || !flags_offset || !ttl || !proto || !checksum ||
      !src || !dst) {
    return core::unexpected(truncatedError("ipv4 header"));
  }
  if ((*ver_ihl >> 4) != 4) {
    return core::unexpected(badIpv4("ipv4 version"));
  }
  // RFC 791: IHL counts 32-bit words and is at least 5.
  const size_t header_bytes = static_cast<size_t>(*ver_ihl & 0x0F) * 4;
  if (header_bytes < kIpv4MinHeaderBytes) {
    return core::unexpected(badIpv4("ipv4 ihl below 5"));
  }
  if (*total_length < header_bytes) {
    return core::unexpected(badIpv4("ipv4 total length below header length"));
  }
  // Re-read from the start so that the header and total length are checked against what the
  // frame really holds; bytes after total_length are link padding (60-byte Ethernet minimum).
  core::ByteReader whole(bytes);
  auto packet = whole.take(*total_length);
  if (!packet) {
    return core::unexpected(truncatedError("ipv4 total length past frame"));
  }
  core::ByteReader in_packet(*packet);
  if (!in_packet.skip(header_bytes)) {  // options are skipped, not interpreted
    return core::unexpected(badIpv4("ipv4 header longer than total length"));
  }

  out.ip_version = 4;
  out.ip_proto = *proto;
  out.ttl = *ttl;
  out.src = core::IpAddress::v4(std::span<const std::byte, 4>(src->data(), 4));
  out.dst = core::IpAddress::v4(std::span<const std::byte, 4>(dst->data(), 4));
  // RFC 791: flags (reserved, DF, MF) in the top 3 bits, offset in 8-byte units below.
  out.more_fragments = (*flags_offset & 0x2000) != 0;
  out.fragment_offset = static_cast<uint16_t>((*flags_offset & 0x1FFF) * 8);
  out.fragment_id = *id;
  if (out.fragment_offset != 0) {
    out.fragment = Fragment::NonFirst;
  } else if (out.more_fragments) {
    out.fragment = Fragment::First;
  } else {
    out.fragment = Fragment::None;
  }
  out.ip_packet = *packet;
  // One view into both, from the registers: `out.payload = out.l4` read back as one 16-byte
  // load what two 8-byte stores had just written, a store-forwarding stall per packet.
  const std::span<const std::byte> l4 = in_packet.rest();
  out.l4 = l4;
  out.payload = l4;
  return {};
}

}  // namespace siphon::net
