#pragma once
// The one table of sip_capture columns (and of the rtcp/report/logs tables): name, type, where
// the column appears and how its value is read from a record. The PostgreSQL schema and row
// buffer, the JSON records and the sqlite3 extension's virtual table all iterate these tables,
// so a column is added, renamed or retyped in exactly one place.
//
// Order: Kamailio's INSERT order (docs/HEP-AND-MODULES.md §2.3), then the columns Siphon adds
// (parse_error, the HEP header fields, the chunks kept for relaying).

#include <cstdint>
#include <span>
#include <string_view>

#include "core/capture.h"
#include "record/capture_row.h"

namespace siphon::record {

enum class ColumnType : uint8_t {
  Timestamp,  ///< `integer` is µs since the epoch; each consumer writes its own date form
  Text,
  OptionalText,  ///< text, or SQL NULL / absent from JSON when `null`
  Integer,
  Boolean,  ///< `integer` 0 or 1
  Payload,  ///< the captured bytes (CaptureMeta::payload), byte-exact
  Chunks,   ///< the HEP chunks kept as they came (CaptureMeta::other_chunks)
};

/// Where a column appears (bit set).
enum ColumnUse : uint8_t {
  kInPostgres = 1 << 0,
  kInJson = 1 << 1,
  kInSqliteView = 1 << 2,
  kEverywhere = kInPostgres | kInJson | kInSqliteView,
};

/// One column's value for one record. Payload and Chunks columns carry nothing here: their
/// consumers read CaptureMeta directly (they are encoded differently by each).
struct ColumnValue {
  std::string_view text;
  int64_t integer = 0;
  bool null = false;
};

struct CaptureColumn {
  std::string_view name;
  ColumnType type;
  std::string_view postgres_type;  ///< as in CREATE TABLE
  uint8_t uses;                    ///< ColumnUse bits
  ColumnValue (*value)(const core::CaptureMeta& meta, const CaptureRow& row);
  std::string_view json_name = {};  ///< when the JSON key differs from `name`

  [[nodiscard]] bool in(ColumnUse use) const { return (uses & use) != 0; }
  [[nodiscard]] std::string_view jsonName() const { return json_name.empty() ? name : json_name; }
};

/// sip_capture: Kamailio's 44 columns, then Siphon's.
[[nodiscard]] std::span<const CaptureColumn> sipCaptureColumns();
/// rtcp_capture / report_capture / logs_capture: Kamailio's 12 columns, then Siphon's.
[[nodiscard]] std::span<const CaptureColumn> reportCaptureColumns();
/// The columns of a record kind's table.
[[nodiscard]] std::span<const CaptureColumn> captureColumns(RowKind kind);

}  // namespace siphon::record
