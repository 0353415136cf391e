#pragma once
// The familiar tables of a Siphon store, as SQL views over the siphon_messages virtual table
// (store/sqlite_extension.cc), so that `sqlite3 siphon.db` with `.load siphon_sqlite` reads
// sip_capture, rtcp_capture, report_capture and logs_capture as Kamailio or OpenSIPS would
// have written them.
//
// The views are generated from record/capture_columns.h, the one list of columns the
// PostgreSQL sink also writes: sip_capture selects the sip columns marked kInSqliteView; a
// report table selects its column set's (Homer-5's 12 columns, or Homer-6's 17 with
// homer5_on = 0), each read from its storeSource() expression. The writer drops and creates
// them on every open, so a store follows today's definitions and the collector's homer5_on.

#include <span>
#include <string>

namespace siphon::store {

struct StoreViewOptions {
  bool homer6_reports = false;  ///< homer5_on = 0: the report views have the Homer-6 columns
  /// Tables beyond rtcp_capture, report_capture and logs_capture that hold report rows (a
  /// routing rule's report_capture table): a report view each, and out of sip_capture.
  std::span<const std::string> report_tables;
};

/// DROP VIEW IF EXISTS and CREATE VIEW statements, ';'-separated, for sqlite3_exec.
[[nodiscard]] std::string storeViewsSql(const StoreViewOptions& options);

}  // namespace siphon::store
