#pragma once
// Call assembly: every stored SIP message of one call, across all its legs.
//
// A call starts from the messages whose Call-ID (or correlation id) is the one asked for, and
// grows transitively through every identifier a message carries that ties it to other legs:
//
//   * its Call-ID,
//   * its callid_aleg (X-CID or the configured callid_aleg_header names, §2.8): a B2BUA's
//     B-leg points at its A-leg this way,
//   * its HEP correlation id (chunk 0x0011) when it differs from the Call-ID (Kamailio
//     sip_trace's correlation, OpenSIPS trace()'s forced correlation_id, §5.2),
//   * the values of OpenSIPS's extra correlation chunk 0x0065 (§5.4, hep/extra_correlation.h).
//
// An identifier matches a message when it equals any of those four, so the join works in both
// directions: a leg whose callid_aleg is our Call-ID is found from our Call-ID, and the leg our
// callid_aleg names is found from that value. Each identifier is looked up once through the
// reader (capture_reader.h: the embedded store's index, or an SQL store's indexed columns), and
// every candidate is re-checked on the parsed message, so a hash collision never adds a
// message. (An SQL store has no column for 0x0065's values: a leg known only by one is found
// from the leg that carries it, not the other way round.)
//
// Records that are not SIP (RTCP, QoS reports, logs: HEP payload types 5, 32-35, 99, 100)
// join by their correlation id, as Homer joins them, and are kept apart in `reports`: they
// have no Call-ID, add no identifier and draw no arrow in the ladder. RTCP stored without a
// correlation id joins by address instead: the media endpoints the call's SDP offered and
// answered (their RTCP ports), looked up between the call's first message and 10 s after its
// last; RTCP with another call's correlation id never does.
//
// Bounded: a correlation group that keeps growing (a correlation id reused by every call of a
// test run, a shared B2BUA key) is cut at `max_legs` Call-IDs or `max_messages` messages, and
// the result says so. Message order is capture time; the same message captured twice at one
// capture point (same node, addresses and bytes within `duplicate_window_us`) is kept once,
// while the same message captured at several capture points is kept once per capture point:
// the ladder shows those as one arrow per hop.
//
// Thread-safety: assembleCall() uses the reader from the calling thread only.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"
#include "query/capture_reader.h"

namespace siphon::query {

struct CallQuery {
  std::string call_id;      ///< start from this Call-ID, or ...
  std::string correlation;  ///< ... from this correlation id (0x0011, callid_aleg or 0x0065)
  int64_t since = 0;        ///< µs since epoch, 0 = open
  int64_t until = 0;        ///< µs since epoch, 0 = open
  size_t max_legs = 64;     ///< distinct Call-IDs at most; more cuts the group
  size_t max_messages = 5000;  ///< messages at most (earliest kept); more cuts the group
  /// Two captures of the same bytes, addresses and capture point closer than this are one
  /// message. Well below RFC 3261's T1 (500 ms), so retransmissions are never merged.
  int64_t duplicate_window_us = 10'000;
};

/// One message of the call, parsed once: the ladder, the JSON records and the text export read
/// `sip`. `meta` and `sip` view `block_bytes`; the strings are copies.
struct CallMessage {
  std::shared_ptr<const std::vector<std::byte>> block_bytes;
  core::CaptureMeta meta;
  record::ParsedSip sip;
  std::string table;
  std::string callid;          ///< Call-ID header
  std::string callid_aleg;     ///< first configured callid_aleg_header present
  std::string correlation_id;  ///< HEP 0x0011 as sent ("" when absent)
  std::vector<std::string> extra_correlation;  ///< 0x0065 values
  std::string node;            ///< the capture point: stored node column
  size_t leg = 0;              ///< index into CallResult::legs
  int64_t block_id = 0;        ///< where it is stored (stable tie-break of equal times)
  size_t record_index = 0;

  [[nodiscard]] int64_t micros() const { return meta.microsSinceEpoch(); }
  [[nodiscard]] std::string_view payload() const {
    return {reinterpret_cast<const char*>(meta.payload.data()), meta.payload.size()};
  }
};

/// A non-SIP record joined to the call by its correlation id: RTCP (payload type 5), a QoS
/// report (32, 34, 35, 99) or a log line (100). Not part of the ladder; call_quality.h reads
/// the RTCP ones. `meta` views `block_bytes`.
struct CallReport {
  std::shared_ptr<const std::vector<std::byte>> block_bytes;
  core::CaptureMeta meta;
  record::RowKind kind = record::RowKind::Rtcp;
  std::string table;
  int64_t block_id = 0;
  size_t record_index = 0;

  [[nodiscard]] int64_t micros() const { return meta.microsSinceEpoch(); }
  [[nodiscard]] std::string_view payload() const {
    return {reinterpret_cast<const char*>(meta.payload.data()), meta.payload.size()};
  }
};

struct CallResult {
  std::vector<CallMessage> messages;  ///< capture-time order, duplicates removed
  std::vector<CallReport> reports;    ///< RTCP, QoS and log records of the call, capture-time order
  std::vector<std::string> legs;      ///< Call-IDs in the order they joined the call
  bool truncated = false;             ///< the group was cut; `truncated_reason` says why
  std::string truncated_reason;
  size_t duplicates = 0;              ///< captures dropped as duplicates
  size_t blocks_read = 0;             ///< lookups made (one per identifier)
  size_t identifiers = 0;             ///< identifiers looked up
  size_t reports_by_sdp = 0;          ///< of `reports`, RTCP joined by the SDP's media addresses
};

/// Assembles the call named by `q.call_id` or `q.correlation` (exactly one must be set; a
/// query with neither gives a Failure with exit code 2). `row_options.fields` must name the
/// collector's callid_aleg_header list. Store errors give a Failure (exit code 1). A call
/// with no message is an empty result, not an error.
[[nodiscard]] core::Result<CallResult, core::Failure> assembleCall(
    CaptureReader& reader, const CallQuery& q, const record::CaptureRowOptions& row_options = {});

}  // namespace siphon::query
