#include "support/records.h"

#include "core/byte_reader.h"
#include "hep/hep_encoder.h"

namespace siphon::support {

core::Capture makeCapture(std::string_view payload, const CaptureSpec& spec) {
  core::Capture c;
  std::string all(payload);
  all += spec.correlation + spec.node + spec.extra_correlation;
  for (const auto& chunk : spec.chunks) all += chunk.value;
  c.raw.assign(reinterpret_cast<const std::byte*>(all.data()),
               reinterpret_cast<const std::byte*>(all.data()) + all.size());
  size_t at = 0;
  auto take = [&](size_t n) {
    auto s = std::span<const std::byte>(c.raw).subspan(at, n);
    at += n;
    return s;
  };
  auto& m = c.meta;
  m.hep_version = spec.hep_version;
  m.ip_proto = spec.ip_proto;
  m.src_ip = *core::IpAddress::parse(spec.src);
  m.dst_ip = *core::IpAddress::parse(spec.dst);
  m.ip_family = m.src_ip.isV6() ? 10 : 2;
  m.src_port = spec.sport;
  m.dst_port = spec.dport;
  m.ts_sec = static_cast<uint32_t>(spec.ts_us / 1'000'000);
  m.ts_usec = static_cast<uint32_t>(spec.ts_us % 1'000'000);
  m.capture_id = spec.capture_id;
  m.payload_type = spec.payload_type;
  m.payload = take(payload.size());
  m.correlation_id = core::asText(take(spec.correlation.size()));
  m.node_name = core::asText(take(spec.node.size()));
  auto extra = take(spec.extra_correlation.size());
  if (!spec.extra_correlation.empty()) m.other_chunks.push_back({0, 0x0065, extra});
  for (const auto& chunk : spec.chunks) {
    m.other_chunks.push_back({chunk.vendor, chunk.type, take(chunk.value.size())});
  }
  return c;
}

std::vector<std::byte> hepPacket(std::string_view payload, const CaptureSpec& spec,
                                 uint8_t version) {
  core::Capture c = makeCapture(payload, spec);
  c.meta.hep_version = version;
  hep::EncodeOptions o;
  o.version = version;
  std::vector<std::byte> out;
  if (!hep::encodeHep(c.meta, out, o).has_value()) out.clear();  // the caller's test fails on it
  return out;
}

RecordMaker::RecordMaker(process::TableRouting routing, sip::FieldOptions fields, sip::FieldSet set)
    : parse_(std::move(fields), set), tables_({{0, std::move(routing)}}) {}

void RecordMaker::process(record::Record& r) {
  r.lanes.set(0);
  (void)parse_.process(r);
  (void)tables_.process(r);
}

record::RecordPtr RecordMaker::make(core::Capture&& c) {
  record::RecordBox r = record::makeRecord(std::move(c));
  process(*r);
  return r;
}

}  // namespace siphon::support
