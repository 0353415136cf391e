#pragma once
// HEPv1/v2/v3 decoder (docs/HEP-AND-MODULES.md §1): from one packet's bytes to CaptureMeta.
//
// Zero-copy: the views in CaptureMeta point into `packet` (or into `inflate_buffer` for a
// compressed 0x0010 payload), so the caller keeps those bytes alive while it uses the result.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "hep/hep_error.h"

namespace siphon::hep {

struct DecodeOptions {
  size_t max_packet_bytes = 65535;           ///< HEPv3's total length is 16 bit anyway
  size_t max_chunks = 128;                   ///< bounds CPU per packet
  size_t max_inflated_bytes = 1024 * 1024;   ///< bounds memory for a 0x0010 payload
  bool accept_eep1 = true;                   ///< accept the old "EEP1" magic for v3
  bool accept_v1_v2 = true;                  ///< false on TCP/TLS: only "HEP3" there (§1.1)
};

struct DecodeInfo {
  size_t packet_bytes = 0;    ///< bytes this packet used (HEPv3: its total length)
  size_t trailing_bytes = 0;  ///< bytes after the packet (ignored on UDP and counted)
};

/// Cheap classification gate: first bytes look like HEP v1, v2 or v3.
[[nodiscard]] bool looksLikeHep(std::span<const std::byte> bytes);

/// Decodes one packet into `out` (cleared first). `inflate_buffer` receives an inflated 0x0010
/// payload; when null, a compressed payload is an error.
[[nodiscard]] core::Result<DecodeInfo, HepError> decodeHep(std::span<const std::byte> packet,
                                                          core::CaptureMeta& out,
                                                          std::vector<std::byte>* inflate_buffer,
                                                          const DecodeOptions& options = {});

/// Owning form: moves `packet` into a Capture whose views point into its own storage.
[[nodiscard]] core::Result<core::Capture, HepError> decodeHepCapture(
    std::vector<std::byte> packet, const DecodeOptions& options = {});

/// HEPv3 over a stream (TCP/TLS): the length of the first packet in `stream` once its 6-byte
/// header is there; 0 means "need more bytes". Bad magic or a total below 6 is an error (the
/// connection is then closed and counted).
[[nodiscard]] core::Result<size_t, HepError> hep3FrameLength(std::span<const std::byte> stream);

}  // namespace siphon::hep
