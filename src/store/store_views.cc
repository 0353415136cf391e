#include "store/store_views.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "record/capture_columns.h"

namespace siphon::store {
namespace {

constexpr std::array<std::string_view, 3> kReportTables = {"rtcp_capture", "report_capture",
                                                           "logs_capture"};

// A table name as an SQL string literal / identifier: names come from the configuration,
// which a start-up check has seen, but quoting costs nothing and keeps the SQL well formed.
std::string quoted(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char ch : text) {
    if (ch == quote) out += quote;
    out += ch;
  }
  out += quote;
  return out;
}

std::string columnList(std::span<const record::CaptureColumn> columns, bool with_sources) {
  std::string out;
  for (const auto& c : columns) {
    if (!c.in(record::kInSqliteView)) continue;
    if (!out.empty()) out += ", ";
    if (with_sources && c.storeSource() != c.name) {
      out += c.storeSource();
      out += " AS ";
    }
    out += c.name;
  }
  return out;
}

}  // namespace

std::string storeViewsSql(const StoreViewOptions& options) {
  std::vector<std::string> reports(kReportTables.begin(), kReportTables.end());
  for (const auto& t : options.report_tables) {
    if (t.empty() || t == "sip_capture") continue;
    if (std::find(reports.begin(), reports.end(), t) == reports.end()) reports.push_back(t);
  }
  std::string in_reports;
  for (const auto& t : reports) {
    if (!in_reports.empty()) in_reports += ", ";
    in_reports += quoted(t, '\'');
  }

  // tbl first: the table a row was stored under (table_name routing, a rule's table).
  std::string sql = "DROP VIEW IF EXISTS sip_capture;\nCREATE VIEW sip_capture AS SELECT tbl, " +
                    columnList(record::sipCaptureColumns(), false) +
                    " FROM siphon_messages WHERE tbl NOT IN (" + in_reports + ")" +
                    // Report rows are not SIP rows, whatever table a rule stored them under
                    // (the payload types of the report families: record::rowKindFor).
                    " AND payload_type NOT IN (5, 32, 99, 100);\n";
  const auto set =
      options.homer6_reports ? record::ColumnSet::Homer6Report : record::ColumnSet::Homer5Report;
  const std::string report_columns = columnList(record::captureColumns(set), true);
  for (const auto& t : reports) {
    sql += "DROP VIEW IF EXISTS " + quoted(t, '"') + ";\nCREATE VIEW " + quoted(t, '"') +
           " AS SELECT " + report_columns + " FROM siphon_messages WHERE tbl = " + quoted(t, '\'') +
           ";\n";
  }
  return sql;
}

}  // namespace siphon::store
