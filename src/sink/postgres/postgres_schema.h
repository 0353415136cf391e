#pragma once
// The PostgreSQL tables the collector writes (docs/HEP-AND-MODULES.md §2.2-§2.3, §3.4):
// Kamailio's sip_capture columns, and the 12 columns of rtcp_capture / report_capture /
// logs_capture (or OpenSIPS's 17 Homer-6 columns with homer5_on = 0),
// plus what the embedded store keeps beyond them (parse_error, the HEP header fields and the
// chunks that have no column), so that a record read back prints as it does from the store.
//
// Types: text columns are TEXT, not Kamailio's VARCHAR(n): PostgreSQL rejects an over-long
// value (and with it the whole batch) where MySQL truncates it, and TEXT costs the same.
// msg is BYTEA, byte-exact. hep_chunks holds the chunks of CaptureMeta::other_chunks in HEPv3
// chunk layout (vendor u16, type u16, length u16 including those 6 bytes, value), big-endian.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"
#include "record/capture_columns.h"

namespace siphon::sink {

/// Column order of the sink's INSERT for each column set: the PostgreSQL columns of
/// record/capture_columns.h, which also gives their SQL types.
[[nodiscard]] std::vector<std::string_view> postgresColumns(record::ColumnSet set);

/// CREATE TABLE IF NOT EXISTS and CREATE INDEX IF NOT EXISTS statements for `table` (the
/// columns marked kIndexed, as Homer's: date, callid, correlation_id and the users for SIP;
/// date and correlation_id for the Homer-5 report tables; tss and transaction_id for Homer-6).
[[nodiscard]] std::vector<std::string> postgresCreateTable(std::string_view table,
                                                          record::ColumnSet set);


/// Appends CaptureMeta::other_chunks in HEPv3 chunk layout; chunks whose value does not fit a
/// 16-bit length are left out (a decoder never produces them).
void encodeHepChunks(std::span<const core::ChunkView> chunks, std::string& out);

/// Reads encodeHepChunks() output back; the views point into `bytes`. False when a length is
/// below 6 or runs past the end (a column written by someone else).
[[nodiscard]] bool decodeHepChunks(std::span<const std::byte> bytes,
                                   std::vector<core::ChunkView>& out);

}  // namespace siphon::sink
