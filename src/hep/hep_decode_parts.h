#pragma once
// Internal to src/hep: the per-version decoders behind decodeHep (hep_decoder.cc).

#include <cstddef>
#include <span>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "hep/hep_decoder.h"
#include "hep/hep_error.h"

namespace siphon::hep::detail {

/// HEPv1/v2 (fixed header, §1.2). `packet` starts with version byte 1 or 2; `out` is reset.
[[nodiscard]] core::Result<DecodeInfo, HepError> decodeHepV12(std::span<const std::byte> packet,
                                                              core::CaptureMeta& out,
                                                              const DecodeOptions& options);

/// HEPv3 (chunks, §1.3-§1.9). `packet` starts with "HEP3" or "EEP1"; `out` is reset.
[[nodiscard]] core::Result<DecodeInfo, HepError> decodeHepV3(std::span<const std::byte> packet,
                                                             core::CaptureMeta& out,
                                                             std::vector<std::byte>* inflate_buffer,
                                                             const DecodeOptions& options);

/// v1/v2 family byte (sender's AF_INET/AF_INET6): 2 is IPv4; 10 (Linux), 24 (Open/NetBSD),
/// 28 (FreeBSD) and 30 (macOS) are IPv6 (§1.7).
[[nodiscard]] constexpr bool isIpv6Family(uint8_t family) {
  return family == 10 || family == 24 || family == 28 || family == 30;
}
inline constexpr uint8_t kFamilyIpv4 = 2;
inline constexpr uint8_t kFamilyIpv6 = 10;

}  // namespace siphon::hep::detail
