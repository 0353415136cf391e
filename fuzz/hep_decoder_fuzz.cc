// Fuzz target for the HEP codec. Any input: decodeHep must not crash or read out of bounds.
// A packet that decodes must survive encode -> decode with every field unchanged (traps
// otherwise), which checks the encoder and the decoder against each other.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"

namespace {

using siphon::core::CaptureMeta;

bool sameBytes(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

bool sameFields(const CaptureMeta& a, const CaptureMeta& b) {
  if (a.hep_version != b.hep_version || a.ip_family != b.ip_family || a.ip_proto != b.ip_proto ||
      !(a.src_ip == b.src_ip) || !(a.dst_ip == b.dst_ip) || a.src_port != b.src_port ||
      a.dst_port != b.dst_port || a.ts_sec != b.ts_sec || a.ts_usec != b.ts_usec ||
      a.capture_id != b.capture_id || a.payload_type != b.payload_type ||
      a.has_auth_key != b.has_auth_key || a.keepalive != b.keepalive ||
      a.auth_key != b.auth_key || a.correlation_id != b.correlation_id ||
      a.node_name != b.node_name || !sameBytes(a.payload, b.payload) ||
      a.other_chunks.size() != b.other_chunks.size()) {
    return false;
  }
  for (size_t i = 0; i < a.other_chunks.size(); ++i) {
    const auto& x = a.other_chunks[i];
    const auto& y = b.other_chunks[i];
    if (x.vendor != y.vendor || x.type != y.type || !sameBytes(x.value, y.value)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> packet(reinterpret_cast<const std::byte*>(data), size);
  siphon::hep::DecodeOptions options;
  options.max_inflated_bytes = 256 * 1024;  // keep each input cheap

  CaptureMeta first;
  std::vector<std::byte> inflated;
  auto decoded = siphon::hep::decodeHep(packet, first, &inflated, options);
  (void)siphon::hep::looksLikeHep(packet);
  (void)siphon::hep::hep3FrameLength(packet);
  if (!decoded.has_value()) return 0;
  if (decoded->packet_bytes + decoded->trailing_bytes != size) __builtin_trap();

  siphon::hep::EncodeOptions encode_options;
  encode_options.version = first.hep_version;
  encode_options.compress_payload = first.payload_compressed;
  std::vector<std::byte> wire;
  auto encoded = siphon::hep::encodeHep(first, wire, encode_options);
  // Legitimately unencodable: the payload inflated past what one HEPv3 packet can carry.
  if (!encoded.has_value()) {
    if (size <= 65535 - 128 && !first.payload_compressed) __builtin_trap();
    return 0;
  }
  if (*encoded != wire.size()) __builtin_trap();

  // The encoder adds the fixed chunks a sparse packet may lack, so allow a few more chunks.
  siphon::hep::DecodeOptions again_options = options;
  again_options.max_chunks += 16;
  CaptureMeta second;
  std::vector<std::byte> inflated_again;
  auto again = siphon::hep::decodeHep(wire, second, &inflated_again, again_options);
  if (!again.has_value()) __builtin_trap();
  if (!sameFields(first, second)) __builtin_trap();
  return 0;
}
