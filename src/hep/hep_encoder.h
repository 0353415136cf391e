#pragma once
// HEPv1/v2/v3 encoder: writes a CaptureMeta back to the wire (docs/HEP-AND-MODULES.md §1).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "hep/hep_error.h"

namespace siphon::hep {

struct EncodeOptions {
  uint8_t version = 3;           ///< 1, 2 or 3
  bool compress_payload = false; ///< v3: send the payload as gzip in 0x0010 (falls back to 0x000f)
};

/// Appends one packet to `out`. v3 writes the fields in Kamailio siptrace's chunk order (0x01,
/// 0x02, addresses, 0x07-0x0c, [0x11 correlation id], [0x0e auth key]), then node name and
/// keep-alive when set, then `other_chunks` unchanged, then the payload (0x000f, or 0x0010 gzip).
/// On error `out` is left as it was.
/// v1/v2 need an IPv4 or IPv6 address pair and a payload that fits one datagram.
[[nodiscard]] core::Result<size_t, HepError> encodeHep(const core::CaptureMeta& meta,
                                                      std::vector<std::byte>& out,
                                                      const EncodeOptions& options = {});

}  // namespace siphon::hep
