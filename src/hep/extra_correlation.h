#pragma once
// The values of OpenSIPS's extra correlation chunk (vendor 0, type 0x0065,
// docs/HEP-AND-MODULES.md §5.4): a JSON object of `key: value` strings such as
// {"sip": "<Call-ID>"} (xlog, rest_client) or the two caller-chosen keys of `correlate()`.
//
// The store indexes these values and call assembly joins on them, so both must see the same
// strings: this one function is the definition. Values are returned as they stand between the
// quotes (JSON escapes are not decoded): the index and the join compare the same raw text, and
// an escaped correlation id is rare enough not to justify an allocation per record.
//
// The "net" key is skipped on purpose: it names the TCP/TLS connection a message came over,
// so joining on it would merge every call that ever shared a connection into one flow.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "core/capture.h"

namespace siphon::hep {

/// Most values taken from one chunk; the rest are ignored (bounds the index keys per record).
inline constexpr size_t kMaxExtraCorrelationValues = 4;

/// Writes the correlation values of one 0x0065 chunk value into `out` (at most out.size()) and
/// returns how many. A JSON object gives its string (and bare number) values, "net" excluded;
/// anything that is not a JSON object gives the whole value, trimmed, as one id. Malformed JSON
/// gives the values read before the fault. Views point into `chunk`. Never reads past it.
[[nodiscard]] size_t extraCorrelationValues(std::string_view chunk, std::span<std::string_view> out);

/// The values of every 0x0065 chunk of a record, at most kMaxExtraCorrelationValues in all.
/// Views point into the record's chunk bytes.
[[nodiscard]] size_t extraCorrelationValues(const core::CaptureMeta& meta,
                                            std::span<std::string_view> out);

}  // namespace siphon::hep
