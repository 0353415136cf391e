// HEPv3 decoder: a walk over (vendor, type, length) chunks (§1.3) with the receiver rules of
// §1.9. This is the collector's hot path: no allocation while `out.other_chunks` has capacity,
// one pass, and every value a view into the packet.

#include "core/byte_reader.h"
#include "hep/hep_chunk_types.h"
#include "hep/hep_decode_parts.h"
#include "hep/hep_inflate.h"

namespace siphon::hep::detail {
namespace {

constexpr size_t kPacketHeaderBytes = 6;  // magic + total length
constexpr size_t kChunkHeaderBytes = 6;   // vendor + type + length

// Presence bits for the fields whose absence matters after the walk.
enum Seen : uint8_t {
  kSeenSrcIp = 1,
  kSeenDstIp = 2,
  kSeenSrcPort = 4,
  kSeenDstPort = 8,
  kSeenSipMinimum = kSeenSrcIp | kSeenDstIp | kSeenSrcPort | kSeenDstPort,
};

enum class PayloadKind : uint8_t { None, Plain, Compressed };

bool sizeIs(std::span<const std::byte> v, size_t n) { return v.size() == n; }

// 0x0003/0x0004 carry 4 bytes; a 16-byte IPv4-mapped IPv6 address is tolerated and unmapped
// (some dual-stack agents send the socket address as they have it).
bool readIpv4Chunk(std::span<const std::byte> v, core::IpAddress& ip) {
  if (v.size() == 4) {
    ip = core::IpAddress::v4(v.first<4>());
    return true;
  }
  if (v.size() == 16) {
    auto mapped = core::IpAddress::v6(v.first<16>());
    if (!mapped.isV4Mapped()) return false;
    ip = mapped.unmapped();
    return true;
  }
  return false;
}

}  // namespace

core::Result<DecodeInfo, HepError> decodeHepV3(std::span<const std::byte> packet,
                                               core::CaptureMeta& out,
                                               std::vector<std::byte>* inflate_buffer,
                                               const DecodeOptions& options) {
  core::ByteReader outer(packet);
  auto header = outer.take(kPacketHeaderBytes);
  if (!header) return hepFailure(HepErrc::Truncated, "HEPv3 header incomplete");
  const size_t total = core::loadBe16(header->data() + 4);
  if (total < kPacketHeaderBytes)
    return hepFailure(HepErrc::BadTotalLength, "HEPv3 total length below 6");
  if (total > options.max_packet_bytes)
    return hepFailure(HepErrc::TooLarge, "HEPv3 packet above the maximum size");
  auto body = outer.take(total - kPacketHeaderBytes);
  if (!body)
    return hepFailure(HepErrc::BadTotalLength, "HEPv3 total length above the bytes received");

  out.hep_version = 3;
  uint8_t seen = 0;
  PayloadKind payload_kind = PayloadKind::None;
  std::span<const std::byte> compressed;
  size_t chunks = 0;

  core::ByteReader r(*body);
  while (!r.empty()) {
    if (++chunks > options.max_chunks)
      return hepFailure(HepErrc::TooManyChunks, "more HEPv3 chunks than allowed");
    auto chunk_header = r.take(kChunkHeaderBytes);
    if (!chunk_header)
      return hepFailure(HepErrc::BadChunkLength, "HEPv3 chunk header past the total length");
    const uint16_t vendor = core::loadBe16(chunk_header->data());
    const uint16_t type = core::loadBe16(chunk_header->data() + 2);
    const size_t length = core::loadBe16(chunk_header->data() + 4);
    // A length below 6 would make the walk go backwards or stand still (negative tests 3-4).
    if (length < kChunkHeaderBytes)
      return hepFailure(HepErrc::BadChunkLength, "HEPv3 chunk length below 6");
    auto value_or = r.take(length - kChunkHeaderBytes);
    if (!value_or) return hepFailure(HepErrc::BadChunkLength, "HEPv3 chunk past the total length");
    const std::span<const std::byte> v = *value_or;

    // Only generic chunks map to fields: heplify's quirk of ignoring the vendor would let a
    // vendor chunk overwrite the payload (§1.5).
    if (vendor != wire(VendorId::Generic)) {
      out.other_chunks.push_back({vendor, type, v});
      continue;
    }
    bool size_ok = true;
    switch (static_cast<ChunkType>(type)) {
      case ChunkType::Reserved:
        return hepFailure(HepErrc::ReservedChunk, "HEPv3 generic chunk type 0");
      case ChunkType::IpFamily:
        if ((size_ok = sizeIs(v, 1))) out.ip_family = std::to_integer<uint8_t>(v[0]);
        break;
      case ChunkType::IpProto:
        if ((size_ok = sizeIs(v, 1))) out.ip_proto = std::to_integer<uint8_t>(v[0]);
        break;
      case ChunkType::SrcIpv4:
        if ((size_ok = readIpv4Chunk(v, out.src_ip))) seen |= kSeenSrcIp;
        break;
      case ChunkType::DstIpv4:
        if ((size_ok = readIpv4Chunk(v, out.dst_ip))) seen |= kSeenDstIp;
        break;
      case ChunkType::SrcIpv6:
        if ((size_ok = sizeIs(v, 16))) {
          out.src_ip = core::IpAddress::v6(v.first<16>());
          seen |= kSeenSrcIp;
        }
        break;
      case ChunkType::DstIpv6:
        if ((size_ok = sizeIs(v, 16))) {
          out.dst_ip = core::IpAddress::v6(v.first<16>());
          seen |= kSeenDstIp;
        }
        break;
      case ChunkType::SrcPort:
        if ((size_ok = sizeIs(v, 2))) {
          out.src_port = core::loadBe16(v.data());
          seen |= kSeenSrcPort;
        }
        break;
      case ChunkType::DstPort:
        if ((size_ok = sizeIs(v, 2))) {
          out.dst_port = core::loadBe16(v.data());
          seen |= kSeenDstPort;
        }
        break;
      case ChunkType::TimestampSec:
        if ((size_ok = sizeIs(v, 4))) out.ts_sec = core::loadBe32(v.data());
        break;
      case ChunkType::TimestampUsec:
        if ((size_ok = sizeIs(v, 4))) out.ts_usec = core::loadBe32(v.data());
        break;
      case ChunkType::PayloadType:
        if ((size_ok = sizeIs(v, 1))) out.payload_type = std::to_integer<uint8_t>(v[0]);
        break;
      case ChunkType::CaptureId:
        if ((size_ok = sizeIs(v, 4))) out.capture_id = core::loadBe32(v.data());
        break;
      case ChunkType::KeepAlive:
        if ((size_ok = sizeIs(v, 2))) out.keepalive = core::loadBe16(v.data());
        break;
      case ChunkType::AuthKey:
        out.auth_key = core::asText(v);
        out.has_auth_key = true;
        break;
      case ChunkType::Payload:
        // 0x000f and 0x0010 are one field: the last of them wins (OpenSIPS).
        out.payload = v;
        payload_kind = PayloadKind::Plain;
        break;
      case ChunkType::CompressedPayload:
        compressed = v;
        payload_kind = PayloadKind::Compressed;
        break;
      case ChunkType::CorrelationId:
        out.correlation_id = core::asText(v);
        break;
      case ChunkType::NodeName:
        out.node_name = core::asText(v);
        break;
      default: {
        // Known without a field of ours, or unknown: kept raw for relaying, after a size
        // check where the spec fixes the width.
        const ChunkTypeInfo* info = genericChunkInfo(type);
        size_ok = info == nullptr || info->required_size == 0 || v.size() == info->required_size;
        if (size_ok) out.other_chunks.push_back({vendor, type, v});
        break;
      }
    }
    if (!size_ok)
      return hepFailure(HepErrc::BadChunkValueSize, "HEPv3 fixed-size chunk with a wrong size");
  }

  if (payload_kind == PayloadKind::None)
    return hepFailure(HepErrc::NoPayload, "HEPv3 packet without 0x000f/0x0010");
  // Kamailio's minimum for SIP: both addresses and both ports (§1.9 rule 6).
  if (out.payload_type == 1 && (seen & kSeenSipMinimum) != kSeenSipMinimum) {
    return hepFailure(HepErrc::NoAddresses, "HEPv3 SIP packet without addresses or ports");
  }
  // 0x0001 is only a hint; without it the family follows the address chunks present.
  if (out.ip_family == 0) {
    if (out.src_ip.isV6() || out.dst_ip.isV6()) {
      out.ip_family = kFamilyIpv6;
    } else if (out.src_ip.isV4() || out.dst_ip.isV4()) {
      out.ip_family = kFamilyIpv4;
    }
  }
  if (payload_kind == PayloadKind::Compressed) {
    if (inflate_buffer == nullptr) {
      return hepFailure(HepErrc::InflateFailed, "compressed payload but no inflate buffer given");
    }
    auto inflated = inflatePayload(compressed, *inflate_buffer, options.max_inflated_bytes);
    if (!inflated) return core::unexpected(inflated.error());
    out.payload = *inflate_buffer;
    out.payload_compressed = true;
  }
  return DecodeInfo{total, packet.size() - total};
}

}  // namespace siphon::hep::detail
