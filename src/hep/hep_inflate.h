#pragma once
// zlib glue for HEPv3 chunk 0x0010 (compressed payload, §1.8): inflate on receive, gzip on send.

#include <cstddef>
#include <span>
#include <vector>

#include "core/result.h"
#include "hep/hep_error.h"

namespace siphon::hep {

/// Inflates a gzip (1f 8b), zlib, or headerless deflate stream into `out` (replaced), at most
/// `max_bytes` of output: more is TooLarge (zip bombs), a broken stream is InflateFailed.
[[nodiscard]] core::Result<void, HepError> inflatePayload(std::span<const std::byte> compressed,
                                                          std::vector<std::byte>& out,
                                                          size_t max_bytes);

/// Appends the gzip stream of `data` to `out` (level 6, as OpenSIPS' compression module).
/// False, with `out` unchanged, when zlib fails.
[[nodiscard]] bool gzipPayload(std::span<const std::byte> data, std::vector<std::byte>& out);

}  // namespace siphon::hep
