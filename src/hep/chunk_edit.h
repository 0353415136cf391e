#pragma once
// Script-level access to a HEPv3 packet's chunks: OpenSIPS sipcapture's hep_set / hep_get /
// hep_del (docs/HEP-AND-MODULES.md §3.5), on a Capture record, for the routing rules.
//
// Chunk ids. A ChunkId is a generic id (vendor 0) or VENDOR:TYPE. Text forms: decimal or 0x
// hex ("0x000c", "12"), "VENDOR:TYPE" ("0x0003:0x0020"), OpenSIPS's names (proto_family,
// proto_id, proto_type, src_ip, dst_ip, src_port, dst_port, timestamp, timestamp_us,
// captagent_id, payload; any unambiguous prefix, as OpenSIPS), the catalogue's names
// (hep_chunk_types.h: capture_id, node_name, correlation_id, auth_key, vlan_id, ...) and
// "node" for node_name. Id 0 is invalid. src_ip / dst_ip (3 / 4) stand for the address of
// either family (0x0005 / 0x0006 name the same address).
//
// Differences from OpenSIPS, each on purpose:
//  - the family (0x0001) and the timestamps (0x0009, 0x000a) cannot be set: OpenSIPS ignores
//    the call, here checkSettable() refuses the rule at start-up;
//  - generic ids are always vendor 0 (the README's rule, which OpenSIPS's code does not
//    enforce); a chunk of the same vendor and type is replaced (OpenSIPS ignores the vendor);
//  - hep_get of a timestamp gives the decimal number, not a date, so that rules can compare it.
// Setting an IPv6 address flips the family to IPv6 (and IPv4 back), as OpenSIPS; the caller
// then sets the other address too. Values are converted from text to the chunk's wire type
// (uint8/16/32 in decimal, addresses in text form, names for proto and payload type).
//
// Only HEPv3 records can be edited (v1/v2 and sniffed records have no chunks): NotHep3.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/capture.h"
#include "core/result.h"

namespace siphon::hep {

struct ChunkId {
  uint16_t vendor = 0;
  uint16_t type = 0;
  friend bool operator==(const ChunkId&, const ChunkId&) = default;
};

/// Parses a chunk id; the error says what is wrong.
[[nodiscard]] core::Result<ChunkId, std::string> parseChunkId(std::string_view text);
/// "0x000c", "0x0003:0x0020": the canonical text of an id.
[[nodiscard]] std::string chunkIdText(ChunkId id);

enum class EditErrc : uint8_t {
  NotHep3,      ///< the record is not HEPv3
  BadValue,     ///< the text does not convert to the chunk's type
  NotSettable,  ///< family, timestamps, compressed payload
  NotFound,     ///< hep_del of a chunk the packet does not have
};
[[nodiscard]] std::string_view editErrorName(EditErrc e);

/// Why `id` can never be set (start-up check), or nothing when it can.
[[nodiscard]] std::optional<std::string> checkSettable(ChunkId id);
/// Why `id` can never be deleted (the payload), or nothing when it can.
[[nodiscard]] std::optional<std::string> checkDeletable(ChunkId id);
/// Whether `text` converts to `id`'s type (start-up check of literal values).
[[nodiscard]] bool valueConverts(ChunkId id, std::string_view text);

/// hep_set: writes `text`, converted, into the chunk. The value is kept in `c.edits`.
[[nodiscard]] core::Result<void, EditErrc> setChunk(core::Capture& c, ChunkId id,
                                                    std::string_view text);
/// hep_del: the chunk is left out of the re-encoded packet and its field emptied.
[[nodiscard]] core::Result<void, EditErrc> deleteChunk(core::Capture& c, ChunkId id);
/// hep_get: the chunk's value as text (formatted as above); nothing when the packet lacks it.
/// Works on every record version (v1/v2 have the fixed chunks).
[[nodiscard]] std::optional<std::string> chunkText(const core::CaptureMeta& meta, ChunkId id);
/// The same without allocating for text chunks: a view of the record's bytes, or of `scratch`
/// for the formatted ones (numbers, addresses, names), valid until `scratch` changes.
[[nodiscard]] std::optional<std::string_view> chunkTextView(const core::CaptureMeta& meta,
                                                            ChunkId id, std::string& scratch);

}  // namespace siphon::hep
