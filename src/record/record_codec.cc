#include "record/record_codec.h"

#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "core/byte_order.h"
#include "core/byte_reader.h"

namespace siphon::record {
namespace {

constexpr std::byte kMagic0{'S'}, kMagic1{'R'}, kVersion{1};
enum Flag : uint8_t { kAuthKey = 1, kCompressed = 2, kReportRow = 4 };

class Writer {
 public:
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(std::byte{v}); }
  void u16(uint16_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view t) {
    u16(static_cast<uint16_t>(t.size()));
    bytes(std::as_bytes(std::span<const char>(t.data(), t.size())));
  }
  void ip(const core::IpAddress& a) {
    u8(static_cast<uint8_t>(a.version()));
    bytes(a.bytes());
  }

 private:
  template <class T>
  void put(T v) {
    std::byte b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) {
      b[i] = std::byte(static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i))));
    }
    out_.insert(out_.end(), b, b + sizeof(T));
  }
  std::vector<std::byte>& out_;
};

core::Unexpected<RecordCodecError> fail(RecordCodecErrc code, std::string_view why) {
  return core::unexpected(RecordCodecError{code, why});
}

}  // namespace

bool encodeRecord(const Record& r, int64_t spooled_us, std::vector<std::byte>& out) {
  const auto& m = r.meta();
  constexpr size_t k16 = std::numeric_limits<uint16_t>::max();
  if (m.correlation_id.size() > k16 || m.node_name.size() > k16 || r.table.size() > k16 ||
      m.other_chunks.size() > k16 || m.payload.size() > std::numeric_limits<uint32_t>::max()) {
    return false;
  }
  for (const auto& c : m.other_chunks) {
    if (c.value.size() > k16) return false;
  }
  Writer w(out);
  w.u8(static_cast<uint8_t>(kMagic0));
  w.u8(static_cast<uint8_t>(kMagic1));
  w.u8(static_cast<uint8_t>(kVersion));
  w.u64(static_cast<uint64_t>(spooled_us));
  w.u8(static_cast<uint8_t>((m.has_auth_key ? kAuthKey : 0) |
                            (m.payload_compressed ? kCompressed : 0) |
                            (r.report_row ? kReportRow : 0)));
  w.u8(m.hep_version);
  w.u8(m.ip_family);
  w.u8(m.ip_proto);
  w.u8(m.payload_type);
  w.ip(m.src_ip);
  w.ip(m.dst_ip);
  w.u16(m.src_port);
  w.u16(m.dst_port);
  w.u32(m.ts_sec);
  w.u32(m.ts_usec);
  w.u32(m.capture_id);
  w.u16(m.keepalive);
  w.u16(m.omitted);
  w.u16(r.source);
  w.text(m.correlation_id);
  w.text(m.node_name);
  w.text(r.table);
  w.u16(static_cast<uint16_t>(m.other_chunks.size()));
  for (const auto& c : m.other_chunks) {
    w.u16(c.vendor);
    w.u16(c.type);
    w.u16(static_cast<uint16_t>(c.value.size()));
    w.bytes(c.value);
  }
  w.u32(static_cast<uint32_t>(m.payload.size()));
  w.bytes(m.payload);
  return true;
}

std::optional<int64_t> encodedSpoolTime(std::span<const std::byte> bytes) {
  core::ByteReader r(bytes);
  auto m0 = r.readU8(), m1 = r.readU8(), v = r.readU8();
  auto t = r.readU64be();
  if (!m0 || !m1 || !v || !t || std::byte{*m0} != kMagic0 || std::byte{*m1} != kMagic1 ||
      std::byte{*v} != kVersion) {
    return std::nullopt;
  }
  return static_cast<int64_t>(*t);
}

core::Result<DecodedRecord, RecordCodecError> decodeRecord(std::span<const std::byte> bytes,
                                                          const sip::FieldOptions& fields) {
  core::Capture cap;
  // One copy: every view of the record (payload, texts, chunk values) points into it.
  cap.raw.assign(bytes.begin(), bytes.end());
  core::ByteReader r(cap.raw);
  auto m0 = r.readU8(), m1 = r.readU8(), version = r.readU8();
  if (!m0 || !m1 || !version) return fail(RecordCodecErrc::Truncated, "no header");
  if (std::byte{*m0} != kMagic0 || std::byte{*m1} != kMagic1 || std::byte{*version} != kVersion) {
    return fail(RecordCodecErrc::BadMagic, "not a version-1 record");
  }
  auto spooled = r.readU64be();
  auto flags = r.readU8();
  if (!spooled || !flags) return fail(RecordCodecErrc::Truncated, "header");
  auto& m = cap.meta;
  auto u8 = [&](uint8_t& into) {
    auto v = r.readU8();
    if (v) into = *v;
    return v.has_value();
  };
  auto u16 = [&](uint16_t& into) {
    auto v = r.readU16be();
    if (v) into = *v;
    return v.has_value();
  };
  auto u32 = [&](uint32_t& into) {
    auto v = r.readU32be();
    if (v) into = *v;
    return v.has_value();
  };
  auto text = [&](std::string_view& into) {
    auto n = r.readU16be();
    if (!n) return false;
    auto b = r.take(*n);
    if (!b) return false;
    into = core::asText(*b);
    return true;
  };
  bool bad_ip = false;
  auto ip = [&](core::IpAddress& into) {
    auto v = r.readU8();
    if (!v) return false;
    if (*v == static_cast<uint8_t>(core::IpVersion::None)) return true;
    if (*v == static_cast<uint8_t>(core::IpVersion::V4)) {
      auto b = r.take(4);
      if (b) into = core::IpAddress::v4(b->first<4>());
      return b.has_value();
    }
    if (*v == static_cast<uint8_t>(core::IpVersion::V6)) {
      auto b = r.take(16);
      if (b) into = core::IpAddress::v6(b->first<16>());
      return b.has_value();
    }
    bad_ip = true;
    return false;
  };
  uint16_t source = 0;
  std::string_view table;
  if (!u8(m.hep_version) || !u8(m.ip_family) || !u8(m.ip_proto) || !u8(m.payload_type) ||
      !ip(m.src_ip) || !ip(m.dst_ip) || !u16(m.src_port) || !u16(m.dst_port) ||
      !u32(m.ts_sec) || !u32(m.ts_usec) || !u32(m.capture_id) || !u16(m.keepalive) ||
      !u16(m.omitted) || !u16(source) || !text(m.correlation_id) || !text(m.node_name) ||
      !text(table)) {
    if (bad_ip) return fail(RecordCodecErrc::BadValue, "address version");
    return fail(RecordCodecErrc::Truncated, "fields");
  }
  uint16_t chunks = 0;
  if (!u16(chunks)) return fail(RecordCodecErrc::Truncated, "chunk count");
  // Each chunk takes at least 6 bytes: a count the rest cannot hold is damage, not a reserve.
  if (chunks > r.remaining() / 6) return fail(RecordCodecErrc::Truncated, "chunks");
  m.other_chunks.reserve(chunks);
  for (uint16_t i = 0; i < chunks; ++i) {
    core::ChunkView c;
    uint16_t len = 0;
    if (!u16(c.vendor) || !u16(c.type) || !u16(len)) {
      return fail(RecordCodecErrc::Truncated, "chunk header");
    }
    auto v = r.take(len);
    if (!v) return fail(RecordCodecErrc::Truncated, "chunk value");
    c.value = *v;
    m.other_chunks.push_back(c);
  }
  uint32_t payload_len = 0;
  if (!u32(payload_len)) return fail(RecordCodecErrc::Truncated, "payload length");
  auto payload = r.take(payload_len);
  if (!payload) return fail(RecordCodecErrc::Truncated, "payload");
  if (!r.empty()) return fail(RecordCodecErrc::BadValue, "bytes after the payload");
  m.payload = *payload;
  m.has_auth_key = (*flags & kAuthKey) != 0;
  m.payload_compressed = (*flags & kCompressed) != 0;

  DecodedRecord out;
  out.spooled_us = static_cast<int64_t>(*spooled);
  const std::string owned_table(table);
  out.record = makeRecord(std::move(cap));
  Record& rec = *out.record;
  rec.source = source;
  rec.report_row = (*flags & kReportRow) != 0;
  if (!owned_table.empty()) rec.table = rec.capture.keep(owned_table);
  // As the SIP-parse processor does (process/sip_parse.cc).
  parseSip(rec.meta(), fields, rec.sip);
  if (rec.report_row) makeReportRow(rec.meta().payload_type, rec.sip);
  rec.parsed = true;
  return out;
}

}  // namespace siphon::record
