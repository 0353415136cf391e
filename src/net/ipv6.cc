#include "net/ipv6.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {

// IANA protocol numbers of IPv6 extension headers (RFC 8200 §4, RFC 7045).
constexpr uint8_t kHopByHop = 0;
constexpr uint8_t kRouting = 43;
constexpr uint8_t kFragmentHeader = 44;
constexpr uint8_t kAuthHeader = 51;
constexpr uint8_t kDestOptions = 60;
constexpr uint8_t kMobility = 135;
constexpr uint8_t kHip = 139;
constexpr uint8_t kShim6 = 140;

bool isGenericExtension(uint8_t nh) {
  return nh == kHopByHop || nh == kRouting || nh == kDestOptions || nh == kMobility || nh == kHip ||
         nh == kShim6;
}

}  // namespace

core::Result<void, NetError> decodeIpv6(std::span<const std::byte> bytes, DecodedPacket& out,
                                        size_t max_extension_headers) {
  core::ByteReader r(bytes);
  auto ver_class_flow = r.readU32be();
  auto payload_length = r.readU16be();
  auto next_header = r.readU8();
  auto hop_limit = r.readU8();
  auto src = r.take(16);
  auto dst = r.take(16);
  if (!ver_class_flow || !payload_length || !next_header || !hop_limit || !src || !dst) {
    return core::unexpected(truncatedError("ipv6 header"));
  }
  if ((*ver_class_flow >> 28) != 6) {
    return core::unexpected(NetError{NetErrc::BadIpHeader, "ipv6 version"});
  }
  // The payload length excludes the 40-byte header; anything after it is link padding.
  auto payload = r.take(*payload_length);
  if (!payload) {
    return core::unexpected(truncatedError("ipv6 payload length past frame"));
  }
  core::ByteReader whole(bytes);
  auto packet = whole.take(kIpv6HeaderBytes + *payload_length);  // cannot fail: checked above

  out.ip_version = 6;
  out.ttl = *hop_limit;
  out.src = core::IpAddress::v6(std::span<const std::byte, 16>(src->data(), 16));
  out.dst = core::IpAddress::v6(std::span<const std::byte, 16>(dst->data(), 16));
  out.fragment = Fragment::None;
  out.ip_packet = packet ? *packet : bytes;

  core::ByteReader ext(*payload);
  uint8_t nh = *next_header;
  size_t walked = 0;
  while (isGenericExtension(nh) || nh == kAuthHeader || nh == kFragmentHeader) {
    if (++walked > max_extension_headers) {
      return core::unexpected(
          NetError{NetErrc::TooManyExtensionHeaders, "ipv6 extension header chain"});
    }
    auto next = ext.readU8();
    auto len = ext.readU8();
    if (!next || !len) {
      return core::unexpected(truncatedError("ipv6 extension header"));
    }
    if (nh == kFragmentHeader) {
      // RFC 8200 §4.5: next header, reserved, offset (13 bits, 8-byte units) + 2 reserved
      // bits + M flag, identification.
      auto offset_flags = ext.readU16be();
      auto id = ext.readU32be();
      if (!offset_flags || !id) {
        return core::unexpected(truncatedError("ipv6 fragment header"));
      }
      uint16_t offset = static_cast<uint16_t>(*offset_flags & 0xFFF8);
      bool more = (*offset_flags & 0x0001) != 0;
      nh = *next;
      if (offset == 0 && !more) {
        continue;  // RFC 6946 atomic fragment: the whole datagram is here
      }
      out.fragment = offset == 0 ? Fragment::First : Fragment::NonFirst;
      out.fragment_offset = offset;
      out.more_fragments = more;
      out.fragment_id = *id;
      break;
    }
    // RFC 4302 §2.2: AH length is in 4-byte units minus 2; the others (RFC 8200 §4.3) are in
    // 8-byte units not counting the first 8. Two bytes of each header are already read.
    size_t header_bytes = nh == kAuthHeader ? (static_cast<size_t>(*len) + 2) * 4
                                            : (static_cast<size_t>(*len) + 1) * 8;
    if (!ext.skip(header_bytes - 2)) {
      return core::unexpected(truncatedError("ipv6 extension header length"));
    }
    nh = *next;
  }
  out.ip_proto = nh;
  // One view into both, from the registers: `out.payload = out.l4` read back as one 16-byte
  // load what two 8-byte stores had just written, a store-forwarding stall per packet.
  const std::span<const std::byte> l4 = ext.rest();
  out.l4 = l4;
  out.payload = l4;
  return {};
}

}  // namespace siphon::net
