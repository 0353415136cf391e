#pragma once
// Record: the one thing that moves through the pipeline (docs/ARCHITECTURE.md), owned from the
// source that made it to the last sink that reads it.
//
//   source      decodes the bytes once into `capture` (HEP packet, sniffed datagram, TCP
//               message); the views of capture.meta point into capture.raw / .inflated.
//   processors  annotate it in order, on the source's thread, while it is still owned
//               uniquely: the SIP parse fills `sip` (exactly one processor does), the lane
//               choice sets `lanes`, table routing sets `table`. A processor may also drop it.
//   lanes       receive it frozen, as a RecordPtr (shared_ptr<const Record>): fan-out to
//               several lanes shares one record and copies no byte of it. A sink only reads.
//
// A record is built where it will live: the source makes it in its shared allocation
// (makeRecord, a RecordBox the processors write through), and freezing it for the lanes is a
// pointer conversion, not a copy of its kilobyte.
//
// Lifetime of the views: `sip` views capture.meta.payload and `table` views a string owned by
// the table-routing processor, which the pipeline keeps alive until every lane has stopped.
// Moving a Record keeps its views valid (the byte vectors move their heap buffers).

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/capture.h"
#include "record/parsed_sip.h"

namespace siphon::record {

/// Lanes a pipeline can have; a record names its lanes in one machine word.
inline constexpr size_t kMaxLanes = 64;
using LaneSet = std::bitset<kMaxLanes>;

struct Record {
  Record() = default;
  explicit Record(core::Capture&& c) : capture(std::move(c)) {}
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;
  Record(Record&&) noexcept = default;
  Record& operator=(Record&&) noexcept = default;

  core::Capture capture;
  ParsedSip sip;             ///< valid when `parsed`
  bool parsed = false;       ///< the SIP-parse processor ran on it
  uint16_t source = 0;       ///< index of the source (listener) it came in on
  LaneSet lanes;             ///< where it goes: the pipeline's defaults, then the lane choice
  std::string_view table;    ///< table (pattern) chosen by table routing; empty: none chosen
  core::IpAddress peer_ip;   ///< who sent the outer packet (a HEP agent): $hep_net(src_ip)
  uint16_t peer_port = 0;    ///< its port; 0 when unknown
  core::IpAddress local_ip;  ///< the local address the packet arrived on (Homer-6 capture_ip)
  /// Routing (route/route_processor.h): a named hep_route took the record and did not resume
  /// SIP processing, so the SIP-level rules skip it; no lane reads its SIP, so the parse skips.
  bool route_done = false;
  /// A report_capture rule made it a report row (record::makeReportRow), SIP or not.
  bool report_row = false;
  bool skip_sip_parse = false;

  [[nodiscard]] const core::CaptureMeta& meta() const { return capture.meta; }
  /// The heap this record holds, for the lanes' memory bounds.
  [[nodiscard]] size_t footprint() const {
    return sizeof(Record) - sizeof(core::Capture) + capture.footprint();
  }
};

using RecordPtr = std::shared_ptr<const Record>;
/// A record the processors may still write (one thread owns it); converts to RecordPtr.
using RecordBox = std::shared_ptr<Record>;

/// A new record holding `c`, in the allocation the lanes will share.
[[nodiscard]] RecordBox makeRecord(core::Capture&& c);

}  // namespace siphon::record
