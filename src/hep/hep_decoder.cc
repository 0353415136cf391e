// Entry points of the HEP decoder: version detection (§1.1), the owning form and TCP framing.
// The per-version work is in hep_v12.cc and hep_v3.cc.

#include "hep/hep_decoder.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/byte_order.h"
#include "hep/hep_decode_parts.h"

namespace siphon::hep {
namespace {

constexpr std::array kHep3Magic = {std::byte{'H'}, std::byte{'E'}, std::byte{'P'}, std::byte{'3'}};
constexpr std::array kEep1Magic = {std::byte{'E'}, std::byte{'E'}, std::byte{'P'}, std::byte{'1'}};

// True when `bytes` (possibly shorter than 4) agrees with `magic` as far as it goes.
bool matchesMagicPrefix(std::span<const std::byte> bytes, const std::array<std::byte, 4>& magic) {
  const size_t n = std::min(bytes.size(), magic.size());
  return std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n), magic.begin());
}

// Back to a default CaptureMeta, keeping other_chunks' capacity so that a reused record
// decodes without allocating.
void resetMeta(core::CaptureMeta& out) {
  std::vector<core::ChunkView> chunks = std::move(out.other_chunks);
  chunks.clear();
  out = core::CaptureMeta{};
  out.other_chunks = std::move(chunks);
}

}  // namespace

bool looksLikeHep(std::span<const std::byte> bytes) {
  if (bytes.size() >= 4 &&
      (matchesMagicPrefix(bytes, kHep3Magic) || matchesMagicPrefix(bytes, kEep1Magic))) {
    return true;
  }
  // v1/v2: version byte, then an hp_l that matches a family. 8 bytes is the fixed header.
  if (bytes.size() < 8) return false;
  const auto version = std::to_integer<uint8_t>(bytes[0]);
  const auto header_length = std::to_integer<uint8_t>(bytes[1]);
  const auto family = std::to_integer<uint8_t>(bytes[2]);
  if (version != 1 && version != 2) return false;
  if (family == detail::kFamilyIpv4) return header_length == 16;
  return detail::isIpv6Family(family) && header_length == 40;
}

core::Result<DecodeInfo, HepError> decodeHep(std::span<const std::byte> packet,
                                            core::CaptureMeta& out,
                                            std::vector<std::byte>* inflate_buffer,
                                            const DecodeOptions& options) {
  resetMeta(out);
  if (packet.empty()) return hepFailure(HepErrc::Truncated, "empty packet");
  const auto first = std::to_integer<uint8_t>(packet[0]);
  if (first == 1 || first == 2) {
    if (!options.accept_v1_v2) return hepFailure(HepErrc::BadMagic, "HEPv1/v2 not accepted here");
    return detail::decodeHepV12(packet, out, options);
  }
  const bool hep3 = matchesMagicPrefix(packet, kHep3Magic);
  const bool eep1 = options.accept_eep1 && matchesMagicPrefix(packet, kEep1Magic);
  if (!hep3 && !eep1) return hepFailure(HepErrc::BadMagic, "not a HEP packet");
  if (packet.size() < kHep3Magic.size())
    return hepFailure(HepErrc::Truncated, "HEPv3 magic incomplete");
  return detail::decodeHepV3(packet, out, inflate_buffer, options);
}

core::Result<core::Capture, HepError> decodeHepCapture(std::vector<std::byte> packet,
                                                       const DecodeOptions& options) {
  core::Capture capture;
  // Decode only after the bytes are in the record: the views then point into capture.raw's
  // heap buffer, which a move of the Capture (or of the vector) does not relocate.
  capture.raw = std::move(packet);
  auto info = decodeHep(capture.raw, capture.meta, &capture.inflated, options);
  if (!info) return core::unexpected(info.error());
  return core::Result<core::Capture, HepError>(std::move(capture));
}

core::Result<size_t, HepError> hep3FrameLength(std::span<const std::byte> stream) {
  // Only "HEP3" frames a stream (Kamailio tcp_read_hep3, OpenSIPS hep_parse_headers).
  if (!matchesMagicPrefix(stream, kHep3Magic))
    return hepFailure(HepErrc::BadMagic, "stream is not HEP3");
  if (stream.size() < 6) return size_t{0};
  const size_t total = core::loadBe16(stream.data() + 4);
  if (total < 6) return hepFailure(HepErrc::BadTotalLength, "HEPv3 total length below 6");
  return total;
}

}  // namespace siphon::hep
