#pragma once
// A record as bytes and back: the form a database sink keeps in its disk spool
// (sink/spool/disk_spool.h) while the database is down, and replays once it is back.
//
// What is kept is what a store writes and cannot recompute: the capture's metadata, its
// payload and every chunk kept with it (custom fields, trace table and direction, capture_ip
// travel as Siphon chunks), the table the routing chose, and whether a rule made it a report
// row. The SIP parse is not kept: decodeRecord() parses again, with the sink's field options,
// exactly as the SIP-parse processor did (process/sip_parse.h). The auth key's value is not
// kept either (a credential on disk); only that there was one.
//
// Layout, big-endian, version 1:
//   "SR" 0x01 | spooled_us u64 | flags u8 (1 auth key, 2 compressed, 4 report row)
//   | hep_version, ip_family, ip_proto, payload_type u8 | src, dst: version u8 + 0/4/16 bytes
//   | src_port, dst_port u16 | ts_sec, ts_usec, capture_id u32 | keepalive, omitted, source u16
//   | correlation, node, table: u16 length + bytes
//   | chunk count u16, each vendor u16, type u16, length u16, bytes | payload: u32 length + bytes
//
// The bytes come back from disk, so decoding is a parser of untrusted input: every length is
// checked against what remains (fuzz/record_codec_fuzz.cc).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "record/record.h"
#include "sip/sip_capture_fields.h"

namespace siphon::record {

/// Why bytes are not a record.
enum class RecordCodecErrc : uint8_t {
  BadMagic,   ///< not "SR" or not version 1
  Truncated,  ///< a field or length runs past the end
  BadValue,   ///< an address version, or bytes left over after the payload
};
using RecordCodecError = core::ErrorOf<RecordCodecErrc>;

/// Appends `r` encoded, stamped with the time it was spooled (µs since the epoch). False (and
/// nothing appended) for a record that does not fit the layout: a field longer than its length
/// field, more than 65535 chunks.
[[nodiscard]] bool encodeRecord(const Record& r, int64_t spooled_us, std::vector<std::byte>& out);

struct DecodedRecord {
  RecordBox record;  ///< parsed (Record::parsed) with the given field options
  int64_t spooled_us = 0;
};

/// The record `bytes` hold, owning copies of them, its SIP parsed with `fields`.
[[nodiscard]] core::Result<DecodedRecord, RecordCodecError> decodeRecord(
    std::span<const std::byte> bytes, const sip::FieldOptions& fields);

/// Just the spool time of an encoded record (the spool's age), without decoding the rest.
[[nodiscard]] std::optional<int64_t> encodedSpoolTime(std::span<const std::byte> bytes);

}  // namespace siphon::record
