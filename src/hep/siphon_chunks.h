#pragma once
// Siphon's own HEP chunks. HEPv3 reserves vendor 0x0000 for the generic chunks and gives every
// other vendor its own type space (docs/HEP-AND-MODULES.md §1.5); the registered ids stop at
// 0x0008 (Genesys), so Siphon uses 0x5350 ("SP"), far from them. Receivers that do not know a
// vendor keep or skip its chunks (Kamailio and OpenSIPS skip them, heplify keeps them), so
// these chunks are safe to send to any collector.
//
//   0x5350:0x0001  relay path: the relay ids (uint32, network order) of the Siphon collectors
//                  that relayed the packet, oldest first. The loop guard drops a packet that
//                  carries its own id or more hops than relay_max_hops (route/relay_guard.h).
//   0x5350:0x0002-0x0004  custom_field1..3 set by a routing rule (custom_fieldN = ...):
//                  stored in the custom_field columns in place of the header's value, and
//                  relayed, so that the next collector stores them too.
//   0x5350:0x0005  capture ip: the local address (text) the HEP packet of a report row
//                  arrived on, stamped by the collector in Homer-6 mode (homer5_on = 0) for
//                  the capture_ip column. Relayed like any chunk; the next collector in
//                  Homer-6 mode writes its own address over it.
//   0x5350:0x0006-0x0008  what the agent's tracer stores into the sip_trace table with
//                  trace_to_database (Kamailio's columns, docs/HEP-AND-MODULES.md §4.6):
//                  0x0006 the table (sip_trace, or a rule's `table`), 0x0007 the
//                  traced_user values as a JSON array of strings ("" first: one row each),
//                  0x0008 the direction ("in", "out" or "" against local_addresses). They
//                  go out with the HEP too, so a Siphon collector's store has the same
//                  sip_trace rows.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"

namespace siphon::hep {

inline constexpr uint16_t kSiphonVendor = 0x5350;
inline constexpr uint16_t kRelayPathChunk = 0x0001;
inline constexpr uint16_t kCustomField1Chunk = 0x0002;  ///< 0x0003, 0x0004: fields 2 and 3
inline constexpr uint16_t kCaptureIpChunk = 0x0005;
inline constexpr uint16_t kTraceTableChunk = 0x0006;
inline constexpr uint16_t kTracedUsersChunk = 0x0007;
inline constexpr uint16_t kTraceDirectionChunk = 0x0008;

/// The relay path a record carries (empty when it has none). A malformed path (a length that
/// is not a multiple of 4) reads as the whole ids it holds.
[[nodiscard]] std::vector<uint32_t> relayPath(const core::CaptureMeta& meta);
/// Whether `id` is on the record's relay path, and how many hops the path has.
struct RelayPathCheck {
  bool contains = false;
  size_t hops = 0;
};
[[nodiscard]] RelayPathCheck checkRelayPath(const core::CaptureMeta& meta, uint32_t id);

/// The value of Siphon chunk `type` as text, if the record carries one.
[[nodiscard]] std::optional<std::string_view> siphonChunkText(const core::CaptureMeta& meta,
                                                              uint16_t type);
/// Writes Siphon chunk `type` (replacing the one the record carries); the value is kept in
/// `c.edits`.
void setSiphonChunk(core::Capture& c, uint16_t type, std::string value);

/// custom_field`n` (1-3) set by a routing rule, if the record carries one.
[[nodiscard]] std::optional<std::string_view> customFieldChunk(const core::CaptureMeta& meta,
                                                               int n);

}  // namespace siphon::hep
