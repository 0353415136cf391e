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
//
// sip_trace (and each tracing rule's table) is Kamailio siptrace's table (§4.6): the traced
// messages (trace_table names the table) with `id, time_stamp, time_us, callid, traced_user,
// msg, method, status, fromip, toip, fromtag, totag, direction`, then Siphon's
// correlation_id; one row per traced_users value (json_each over the JSON array, "" first).

#include <span>
#include <string>

namespace siphon::store {

struct StoreViewOptions {
  bool homer6_reports = false;  ///< homer5_on = 0: the report views have the Homer-6 columns
  /// Tables beyond rtcp_capture, report_capture and logs_capture that hold report rows (a
  /// routing rule's report_capture table): a report view each, and out of sip_capture.
  std::span<const std::string> report_tables;
  /// Tables beyond sip_trace that a tracing rule stores into (its `table`): a sip_trace view
  /// each.
  std::span<const std::string> trace_tables;
};

/// DROP VIEW IF EXISTS and CREATE VIEW statements, ';'-separated, for sqlite3_exec.
[[nodiscard]] std::string storeViewsSql(const StoreViewOptions& options);

}  // namespace siphon::store
