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
  kInPostgres = 1 << 0,    ///< created and written by the PostgreSQL sink
  kInJson = 1 << 1,        ///< in JSON records
  kInSqliteView = 1 << 2,  ///< in the embedded store's view of the table
  kEverywhere = kInPostgres | kInJson | kInSqliteView,
  kPostgresDefault = 1 << 3,  ///< created with its DEFAULT, never written (Homer-6's gid)
  kIndexed = 1 << 4,          ///< the SQL stores (PostgreSQL, MySQL) create an index on it
  /// With kIndexed, for a column that is '' in most rows (callid_aleg): PostgreSQL indexes the
  /// other rows only (a partial index), so the rows without a value cost no index entry.
  kSparse = 1 << 5,
};

/// The column sets of the tables the stores write (§2.3, §3.4).
enum class ColumnSet : uint8_t {
  Sip,           ///< sip_capture
  Homer5Report,  ///< rtcp_capture / report_capture / logs_capture, homer5_on = 1 (12 columns)
  Homer6Report,  ///< the same tables with homer5_on = 0 (OpenSIPS's 17 columns)
  SipTrace,      ///< sip_trace (siptrace's trace_to_database, §4.6): Kamailio's 13 columns
};
/// The set a record's table uses: SIP rows sip_capture's, the others the report set chosen
/// by homer5_on.
[[nodiscard]] constexpr ColumnSet columnSetFor(RowKind kind, bool homer6_reports) {
  if (kind == RowKind::Sip) return ColumnSet::Sip;
  return homer6_reports ? ColumnSet::Homer6Report : ColumnSet::Homer5Report;
}

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
  /// Report views of the embedded store: the siphon_messages column (or SQL expression over
  /// its columns) this column is read from, when not the one of the same name.
  std::string_view store_source = {};

  [[nodiscard]] bool in(ColumnUse use) const { return (uses & use) != 0; }
  [[nodiscard]] std::string_view jsonName() const { return json_name.empty() ? name : json_name; }
  [[nodiscard]] std::string_view storeSource() const {
    return store_source.empty() ? name : store_source;
  }
};

/// sip_capture: Kamailio's 44 columns, then Siphon's.
[[nodiscard]] std::span<const CaptureColumn> sipCaptureColumns();
/// rtcp_capture / report_capture / logs_capture: Kamailio's 12 columns, then Siphon's.
[[nodiscard]] std::span<const CaptureColumn> reportCaptureColumns();
/// The same tables in Homer-6 mode: OpenSIPS's 17 columns and gid, then Siphon's.
[[nodiscard]] std::span<const CaptureColumn> homer6ReportColumns();
/// sip_trace: Kamailio siptrace's columns (§4.6), then Siphon's (correlation_id, the user and
/// type columns a search filters on, and what turns a row back into the record). PostgreSQL
/// only: the embedded store's sip_trace views are written out in store/store_views.cc.
[[nodiscard]] std::span<const CaptureColumn> sipTraceColumns();
/// What the embedded store's siphon_messages table has beyond the sip_capture view columns:
/// the values only the report views read (capture_ip, extra correlation, event) and the
/// sip_trace views (trace_table, traced_users, trace_direction).
[[nodiscard]] std::span<const CaptureColumn> storeOnlyColumns();
/// The columns of a set.
[[nodiscard]] std::span<const CaptureColumn> captureColumns(ColumnSet set);

}  // namespace siphon::record
