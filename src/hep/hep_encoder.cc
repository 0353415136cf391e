// HEP encoder. v3 follows Kamailio siptrace's chunk order (§1.11), so a packet that came in
// that order goes out byte for byte the same; v1/v2 write the fixed C-struct layout (§1.2).

#include "hep/hep_encoder.h"

#include <cstring>
#include <limits>

#include "core/byte_order.h"
#include "core/byte_reader.h"
#include "hep/hep_chunk_types.h"
#include "hep/hep_decode_parts.h"
#include "hep/hep_inflate.h"

namespace siphon::hep {
namespace {

constexpr size_t kMaxHep3Bytes = 65535;      // total length is 16 bit
constexpr size_t kMaxDatagramBytes = 65535;  // v1/v2 ride one UDP datagram
constexpr size_t kChunkHeaderBytes = 6;

core::Unexpected<HepError> unencodable(std::string_view why) {
  return hepFailure(HepErrc::Unencodable, why);
}

// Appends raw bytes; the caller checks the total size once at the end. Small writes (chunk
// headers, fixed-size values, addresses) collect in a stack buffer and reach `out` in one
// insert, so that a packet costs a few vector operations rather than one per field; call
// flush() before looking at `out`.
class Writer {
 public:
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}
  void bytes(std::span<const std::byte> b) {
    if (b.size() <= sizeof(pending_) - pending_len_) {
      std::memcpy(pending_ + pending_len_, b.data(), b.size());
      pending_len_ += b.size();
      return;
    }
    flush();
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void u8(uint8_t v) { *room(1) = std::byte{v}; }
  void be16(uint16_t v) { core::storeBe16(room(2), v); }
  void be32(uint32_t v) { core::storeBe32(room(4), v); }
  void le16(uint16_t v) { core::storeLe16(room(2), v); }
  void le32(uint32_t v) { core::storeLe32(room(4), v); }

  /// A generic or vendor chunk. A value too long for a 16-bit length is flagged, not cut.
  void chunk(uint16_t vendor, uint16_t type, std::span<const std::byte> value) {
    if (value.size() > kMaxHep3Bytes - kChunkHeaderBytes) {
      overflow_ = true;
      return;
    }
    be16(vendor);
    be16(type);
    be16(static_cast<uint16_t>(value.size() + kChunkHeaderBytes));
    bytes(value);
  }
  void chunk(ChunkType type, std::span<const std::byte> value) { chunk(0, wire(type), value); }
  void chunkU8(ChunkType type, uint8_t v) {
    fixedChunkHeader(type, sizeof v);
    u8(v);
  }
  void chunkU16(ChunkType type, uint16_t v) {
    fixedChunkHeader(type, sizeof v);
    be16(v);
  }
  void chunkU32(ChunkType type, uint32_t v) {
    fixedChunkHeader(type, sizeof v);
    be32(v);
  }

  /// Moves the buffered small writes into `out`.
  void flush() {
    out_.insert(out_.end(), pending_, pending_ + pending_len_);
    pending_len_ = 0;
  }
  /// Bytes written so far, buffered ones included.
  [[nodiscard]] size_t size() const { return out_.size() + pending_len_; }
  [[nodiscard]] bool overflow() const { return overflow_; }

 private:
  // The next `n` (at most sizeof(pending_)) buffered bytes, for the caller to fill.
  std::byte* room(size_t n) {
    if (sizeof(pending_) - pending_len_ < n) flush();
    std::byte* p = pending_ + pending_len_;
    pending_len_ += n;
    return p;
  }
  void fixedChunkHeader(ChunkType type, size_t value_bytes) {
    be16(0);
    be16(wire(type));
    be16(static_cast<uint16_t>(kChunkHeaderBytes + value_bytes));
  }

  // Room for every fixed field of a v3 packet (about 130 bytes) in one piece.
  std::byte pending_[256];
  size_t pending_len_ = 0;
  std::vector<std::byte>& out_;
  bool overflow_ = false;
};

// The family the addresses imply (Linux values), 0 without addresses. The decoder fills
// ip_family the same way when a v3 packet has no 0x0001.
uint8_t familyOfAddresses(const core::CaptureMeta& meta) {
  if (meta.src_ip.isV6() || meta.dst_ip.isV6()) return detail::kFamilyIpv6;
  if (meta.src_ip.isV4() || meta.dst_ip.isV4()) return detail::kFamilyIpv4;
  return 0;
}

// v3: 0x0001 is a raw hint, relayed as it came; derived only when the record has none.
uint8_t familyForV3(const core::CaptureMeta& meta) {
  return meta.ip_family != 0 ? meta.ip_family : familyOfAddresses(meta);
}

// v1/v2: hp_f must agree with the address block. The record's own IPv6 value is kept (so a
// FreeBSD sender's 28 survives a relay), anything else becomes the Linux value.
uint8_t familyForV12(const core::CaptureMeta& meta) {
  if (meta.src_ip.isV6()) return detail::isIpv6Family(meta.ip_family) ? meta.ip_family : detail::kFamilyIpv6;
  return detail::kFamilyIpv4;
}

// A chunk in other_chunks that a field also produces would decode differently than it was
// meant (the field would be overwritten); refuse instead of writing an ambiguous packet.
bool clashesWithField(const core::ChunkView& c) {
  if (c.vendor != wire(VendorId::Generic)) return false;
  if (c.type <= wire(ChunkType::CorrelationId)) return true;  // 0x0000 reserved too
  return c.type == wire(ChunkType::NodeName);
}

void writeAddressChunk(Writer& w, const core::IpAddress& ip, ChunkType v4, ChunkType v6) {
  if (ip.isV4()) w.chunk(v4, ip.bytes());
  if (ip.isV6()) w.chunk(v6, ip.bytes());
}

core::Result<size_t, HepError> encodeV3(const core::CaptureMeta& meta, std::vector<std::byte>& out,
                                        bool compress) {
  for (const auto& c : meta.other_chunks) {
    if (clashesWithField(c)) return unencodable("other_chunks holds a chunk that has a field");
  }
  // Kamailio's minimum for SIP (§1.9 rule 6), which our decoder applies too: a routing rule
  // that deleted an address or a port of a SIP packet makes it one that no receiver takes.
  // A packet without 0x000b is SIP to a receiver.
  const bool sip = meta.payload_type == 1 || meta.isOmitted(wire(ChunkType::PayloadType));
  if (sip &&
      (meta.src_ip.empty() || meta.dst_ip.empty() ||
       (meta.omitted != 0 && (meta.isOmitted(wire(ChunkType::SrcPort)) || meta.isOmitted(wire(ChunkType::DstPort)))))) {
    return unencodable("HEPv3 SIP packet without addresses or ports");
  }
  const size_t start = out.size();
  out.reserve(start + 160 + meta.payload.size() + meta.auth_key.size() +
              meta.correlation_id.size() + meta.node_name.size());
  Writer w(out);
  w.bytes(std::as_bytes(std::span{"HEP3", 4}));
  w.be16(0);  // total length, patched below

  // A chunk a routing rule deleted (hep_del) is left out; without deletions every fixed
  // chunk is written, which is the common case and one test of `omitted`.
  auto keep = [&](ChunkType t) { return meta.omitted == 0 || !meta.isOmitted(wire(t)); };
  const uint8_t family = familyForV3(meta);
  if (family != 0 && keep(ChunkType::IpFamily)) w.chunkU8(ChunkType::IpFamily, family);
  if (keep(ChunkType::IpProto)) w.chunkU8(ChunkType::IpProto, meta.ip_proto);
  writeAddressChunk(w, meta.src_ip, ChunkType::SrcIpv4, ChunkType::SrcIpv6);
  writeAddressChunk(w, meta.dst_ip, ChunkType::DstIpv4, ChunkType::DstIpv6);
  if (keep(ChunkType::SrcPort)) w.chunkU16(ChunkType::SrcPort, meta.src_port);
  if (keep(ChunkType::DstPort)) w.chunkU16(ChunkType::DstPort, meta.dst_port);
  if (keep(ChunkType::TimestampSec)) w.chunkU32(ChunkType::TimestampSec, meta.ts_sec);
  if (keep(ChunkType::TimestampUsec)) w.chunkU32(ChunkType::TimestampUsec, meta.ts_usec);
  if (keep(ChunkType::PayloadType)) w.chunkU8(ChunkType::PayloadType, meta.payload_type);
  if (keep(ChunkType::CaptureId)) w.chunkU32(ChunkType::CaptureId, meta.capture_id);
  if (!meta.correlation_id.empty()) w.chunk(ChunkType::CorrelationId, core::asBytes(meta.correlation_id));
  if (meta.has_auth_key) w.chunk(ChunkType::AuthKey, core::asBytes(meta.auth_key));
  if (!meta.node_name.empty()) w.chunk(ChunkType::NodeName, core::asBytes(meta.node_name));
  if (meta.keepalive != 0) w.chunkU16(ChunkType::KeepAlive, meta.keepalive);
  for (const auto& c : meta.other_chunks) w.chunk(c.vendor, c.type, c.value);

  const size_t before_payload = w.size();
  bool wrote_payload = false;
  if (compress) {
    // gzip into a side buffer; on failure, or when it does not fit, send 0x000f (OpenSIPS).
    std::vector<std::byte> gz;
    if (gzipPayload(meta.payload, gz) &&
        before_payload - start + kChunkHeaderBytes + gz.size() <= kMaxHep3Bytes) {
      w.chunk(ChunkType::CompressedPayload, gz);
      wrote_payload = true;
    }
  }
  if (!wrote_payload) w.chunk(ChunkType::Payload, meta.payload);
  w.flush();

  const size_t total = out.size() - start;
  if (w.overflow() || total > kMaxHep3Bytes) {
    out.resize(start);
    return unencodable("HEPv3 packet above 65535 bytes");
  }
  core::storeBe16(out.data() + start + 4, static_cast<uint16_t>(total));
  return total;
}

core::Result<size_t, HepError> encodeV12(const core::CaptureMeta& meta, std::vector<std::byte>& out,
                                         uint8_t version) {
  const bool v4 = meta.src_ip.isV4() && meta.dst_ip.isV4();
  const bool v6 = meta.src_ip.isV6() && meta.dst_ip.isV6();
  if (!v4 && !v6) return unencodable("HEPv1/v2 needs an IPv4 or IPv6 address pair");
  if (meta.payload_type != 1) return unencodable("HEPv1/v2 carry SIP only");
  // The receiver takes an empty payload as no packet at all (and v1/v2 have no length field).
  if (meta.payload.empty()) return unencodable("HEPv1/v2 needs a payload");
  const size_t header_length = v6 ? 40 : 16;
  const size_t size = header_length + (version == 2 ? 12 : 0) + meta.payload.size();
  if (size > kMaxDatagramBytes) return unencodable("HEPv1/v2 packet above one datagram");

  const size_t start = out.size();
  out.reserve(start + size);
  Writer w(out);
  w.u8(version);
  w.u8(static_cast<uint8_t>(header_length));
  w.u8(familyForV12(meta));
  w.u8(meta.ip_proto);
  w.be16(meta.src_port);
  w.be16(meta.dst_port);
  w.bytes(meta.src_ip.bytes());
  w.bytes(meta.dst_ip.bytes());
  if (version == 2) {
    // Little-endian like the senders' memcpy of a host struct; the capture id is 16 bit on
    // the wire and is truncated as Kamailio does. Padding is zero.
    w.le32(meta.ts_sec);
    w.le32(meta.ts_usec);
    w.le16(static_cast<uint16_t>(meta.capture_id));
    w.be16(0);
  }
  w.bytes(meta.payload);
  w.flush();
  return out.size() - start;
}

}  // namespace

core::Result<size_t, HepError> encodeHep(const core::CaptureMeta& meta, std::vector<std::byte>& out,
                                        const EncodeOptions& options) {
  switch (options.version) {
    case 1:
    case 2:
      return encodeV12(meta, out, options.version);
    case 3:
      return encodeV3(meta, out, options.compress_payload);
    default:
      return unencodable("HEP version must be 1, 2 or 3");
  }
}

}  // namespace siphon::hep
