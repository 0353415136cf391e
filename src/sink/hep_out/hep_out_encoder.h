#pragma once
// Turns a Capture record into the HEP packet the HEP-out sink sends: the agent's identity
// (hep_capture_id, node name, auth key) applied, and a payload too large for one packet sent
// compressed (0x0010) or, when even that does not fit, cut and counted.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "hep/hep_error.h"

namespace siphon::sink {

struct HepOutEncoding {
  uint8_t hep_version = 3;       ///< hep_version: 1, 2 or 3
  uint32_t hep_capture_id = 1;   ///< hep_capture_id (v2 sends the low 16 bits, as Kamailio)
  std::string node_name;         ///< v3 chunk 0x0013; empty = none
  bool has_auth_key = false;     ///< send chunk 0x000e (v3 only)
  std::string auth_key;          ///< its value
  /// Largest packet to produce: 65535 (HEP's 16-bit length) for streams; a UDP datagram over
  /// IPv4 holds at most 65507 bytes.
  size_t max_packet_bytes = 65535;
  /// A relay lane (hep_relay, route/): the record goes out as it is, with the edits the rules
  /// made, and this collector's relay id appended to its relay path (hep/siphon_chunks.h), so
  /// that the loop guard of every Siphon downstream can recognise it.
  std::optional<uint32_t> relay_id;
};

/// How the payload went out.
enum class PayloadFit : uint8_t {
  Whole,       ///< in 0x000f (or the v1/v2 body) as captured
  Compressed,  ///< gzip in 0x0010, whole after inflating
  Truncated,   ///< cut to fit; the receiver gets a prefix of the message
};

/// Encodes `record` into `out` (replaced). Records this agent captured itself (hep_version
/// 0) get hep_capture_id; relayed HEP records keep their capture id, node name, correlation
/// id and other_chunks. The auth key, when set, replaces the record's. A record without a
/// capture time gets the current time. Errors (Unencodable) for records the version cannot
/// carry: v1/v2 without an IPv4/IPv6 address pair, non-SIP payloads in v1/v2, an empty
/// payload in v1/v2, chunks of a relayed record that clash with fields.
[[nodiscard]] core::Result<PayloadFit, hep::HepError> encodeForSend(const core::Capture& record,
                                                                   const HepOutEncoding& encoding,
                                                                   std::vector<std::byte>& out);
/// The same from a record's metadata alone, whose views need only live during the call: the
/// agent encodes an extracted record this way without copying it first.
[[nodiscard]] core::Result<PayloadFit, hep::HepError> encodeForSend(const core::CaptureMeta& record,
                                                                   const HepOutEncoding& encoding,
                                                                   std::vector<std::byte>& out);

}  // namespace siphon::sink
