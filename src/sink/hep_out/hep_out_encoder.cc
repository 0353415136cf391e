#include "sink/hep_out/hep_out_encoder.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/byte_order.h"
#include "hep/hep_encoder.h"
#include "hep/siphon_chunks.h"

namespace siphon::sink {
namespace {

// The longest relay path a relay writes: the loop guard drops packets with more hops long
// before (relay_max_hops), so this only bounds a path nobody checked.
constexpr size_t kMaxRelayPath = 64;
using RelayPathBuffer = std::array<std::byte, 4 * kMaxRelayPath>;

// The relay path with `id` appended, written into `buffer`, in place of the record's.
void appendRelayHop(core::CaptureMeta& meta, uint32_t id, RelayPathBuffer& buffer) {
  size_t used = 0;
  auto it = std::find_if(meta.other_chunks.begin(), meta.other_chunks.end(), [](const core::ChunkView& c) {
    return c.vendor == hep::kSiphonVendor && c.type == hep::kRelayPathChunk;
  });
  if (it != meta.other_chunks.end()) {
    used = std::min(it->value.size() / 4 * 4, buffer.size() - 4);
    std::copy_n(it->value.begin(), used, buffer.begin());
  }
  core::storeBe32(buffer.data() + used, id);
  const std::span<const std::byte> path(buffer.data(), used + 4);
  if (it != meta.other_chunks.end()) {
    it->value = path;
  } else {
    meta.other_chunks.push_back({hep::kSiphonVendor, hep::kRelayPathChunk, path});
  }
}

core::CaptureMeta metaToSend(const core::CaptureMeta& record, const HepOutEncoding& enc) {
  core::CaptureMeta meta = record;  // views keep pointing into the record's bytes
  const bool relayed = meta.hep_version != 0;
  if (!relayed) meta.capture_id = enc.hep_capture_id;
  if (!relayed || meta.node_name.empty()) meta.node_name = enc.node_name;
  if (enc.has_auth_key) {
    meta.has_auth_key = true;
    meta.auth_key = enc.auth_key;
  } else if (!relayed) {
    meta.has_auth_key = false;
  }
  if (enc.hep_version != 3) meta.has_auth_key = false;  // v1/v2 have no place for it
  if (meta.ts_sec == 0 && meta.ts_usec == 0) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    meta.ts_sec = static_cast<uint32_t>(us / 1'000'000);
    meta.ts_usec = static_cast<uint32_t>(us % 1'000'000);
  }
  meta.payload_compressed = false;
  return meta;
}

}  // namespace

core::Result<PayloadFit, hep::HepError> encodeForSend(const core::Capture& record,
                                                      const HepOutEncoding& encoding,
                                                      std::vector<std::byte>& out) {
  return encodeForSend(record.meta, encoding, out);
}

core::Result<PayloadFit, hep::HepError> encodeForSend(const core::CaptureMeta& record,
                                                      const HepOutEncoding& encoding,
                                                      std::vector<std::byte>& out) {
  out.clear();
  core::CaptureMeta meta = metaToSend(record, encoding);
  RelayPathBuffer path;
  if (encoding.relay_id) appendRelayHop(meta, *encoding.relay_id, path);
  hep::EncodeOptions options;
  options.version = encoding.hep_version;

  auto whole = hep::encodeHep(meta, out, options);
  if (whole.has_value() && out.size() <= encoding.max_packet_bytes) return PayloadFit::Whole;
  // Too large, or another error: the steps below either fit the payload or, through the
  // one-byte probe, reproduce an error that has nothing to do with size.
  out.clear();

  if (encoding.hep_version == 3) {
    // HEPv3 0x0010: the encoder gzips and falls back to 0x000f when the result does not fit.
    options.compress_payload = true;
    auto compressed = hep::encodeHep(meta, out, options);
    if (compressed.has_value() && out.size() <= encoding.max_packet_bytes) {
      return PayloadFit::Compressed;
    }
    out.clear();
    options.compress_payload = false;
  }

  // Cut the payload to what fits next to the rest of the packet: measure the rest with a
  // one-byte payload (v1/v2 refuse an empty one).
  core::CaptureMeta probe = meta;
  probe.payload = meta.payload.first(std::min<size_t>(1, meta.payload.size()));
  auto probed = hep::encodeHep(probe, out, options);
  if (!probed.has_value()) return core::unexpected(probed.error());
  const size_t overhead = out.size() - probe.payload.size();
  out.clear();
  if (overhead >= encoding.max_packet_bytes) {
    return core::unexpected(hep::HepError{hep::HepErrc::Unencodable,
                                          "packet without payload exceeds the maximum size"});
  }
  meta.payload = meta.payload.first(
      std::min(meta.payload.size(), encoding.max_packet_bytes - overhead));
  auto cut = hep::encodeHep(meta, out, options);
  if (!cut.has_value()) return core::unexpected(cut.error());
  return PayloadFit::Truncated;
}

}  // namespace siphon::sink
