// HEPv1/v2 decoder. The C structs of Kamailio/OpenSIPS are the spec (§1.2): an 8-byte header,
// an address block, for v2 a 12-byte little-endian time block, then the payload up to the end
// of the datagram.

#include "core/byte_reader.h"
#include "hep/hep_decode_parts.h"

namespace siphon::hep::detail {
namespace {

constexpr size_t kFixedHeaderBytes = 8;   // version, hp_l, family, proto, two ports
constexpr size_t kV4HeaderLength = 16;    // hp_l: 8 + 2 x 4 address bytes
constexpr size_t kV6HeaderLength = 40;    // hp_l: 8 + 2 x 16 address bytes
constexpr size_t kTimeBlockBytes = 12;    // u32 sec, u32 usec, u16 capture id, 2 padding

}  // namespace

core::Result<DecodeInfo, HepError> decodeHepV12(std::span<const std::byte> packet,
                                                core::CaptureMeta& out,
                                                const DecodeOptions& options) {
  if (packet.size() > options.max_packet_bytes) {
    return hepFailure(HepErrc::TooLarge, "HEPv1/v2 packet above the maximum size");
  }
  core::ByteReader r(packet);
  auto header = r.take(kFixedHeaderBytes);
  if (!header) return hepFailure(HepErrc::Truncated, "HEPv1/v2 header incomplete");
  const auto version = std::to_integer<uint8_t>((*header)[0]);
  const auto header_length = std::to_integer<uint8_t>((*header)[1]);
  const auto family = std::to_integer<uint8_t>((*header)[2]);

  const bool v6 = isIpv6Family(family);
  if (family != kFamilyIpv4 && !v6)
    return hepFailure(HepErrc::BadFamily, "HEPv1/v2 family not IPv4/IPv6");
  // OpenSIPS rejects a mismatching hp_l; Kamailio ignores it. We reject: it is the only
  // self-check the fixed header has.
  if (header_length != (v6 ? kV6HeaderLength : kV4HeaderLength)) {
    return hepFailure(HepErrc::BadHeaderLength, "HEPv1/v2 hp_l does not match the family");
  }

  out.hep_version = version;
  out.ip_family = family;
  out.ip_proto = std::to_integer<uint8_t>((*header)[3]);
  out.src_port = core::loadBe16(header->data() + 4);
  out.dst_port = core::loadBe16(header->data() + 6);
  out.payload_type = 1;  // v1/v2 carry no type: every implementation assumes SIP

  const size_t address_bytes = v6 ? 16 : 4;
  auto src = r.take(address_bytes);
  auto dst = r.take(address_bytes);
  if (!src || !dst) return hepFailure(HepErrc::Truncated, "HEPv1/v2 address block incomplete");
  if (v6) {
    out.src_ip = core::IpAddress::v6(src->first<16>());
    out.dst_ip = core::IpAddress::v6(dst->first<16>());
  } else {
    out.src_ip = core::IpAddress::v4(src->first<4>());
    out.dst_ip = core::IpAddress::v4(dst->first<4>());
  }

  if (version == 2) {
    auto time = r.take(kTimeBlockBytes);
    if (!time) return hepFailure(HepErrc::Truncated, "HEPv2 time block incomplete");
    // Little-endian: senders memcpy a host-order struct (§1.2); the 2 padding bytes are
    // whatever was on the sender's stack and are ignored.
    out.ts_sec = core::loadLe32(time->data());
    out.ts_usec = core::loadLe32(time->data() + 4);
    out.capture_id = core::loadLe16(time->data() + 8);
  }

  // The payload is the rest of the datagram, byte-exact: OpenSIPS' zero padding stays in it.
  if (r.empty()) return hepFailure(HepErrc::NoPayload, "HEPv1/v2 packet without payload");
  out.payload = r.rest();
  return DecodeInfo{packet.size(), 0};
}

}  // namespace siphon::hep::detail
