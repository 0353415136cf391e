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
std::string sqlQuoted(std::string_view text, char quote) {
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

// Kamailio's "proto:ip:port" (§4.5), from the proto column (core::Transport's numbers) and an
// address column pair; IPv6 in brackets, so that the port after the last ':' is unambiguous.
std::string traceAddress(std::string_view ip, std::string_view port) {
  const std::string i(ip), p(port);
  return "(CASE m.proto WHEN 2 THEN 'tcp' WHEN 3 THEN 'tls' WHEN 4 THEN 'sctp' WHEN 5 THEN 'ws' "
         "WHEN 6 THEN 'wss' ELSE 'udp' END) || ':' || (CASE WHEN instr(m." +
         i + ", ':') > 0 THEN '[' || m." + i + " || ']' ELSE m." + i + " END) || ':' || m." + p;
}

// The traced_users array, or one "" row: a collector stores whatever a sender put in chunk
// 0x5350:0x0007, and a value that is not a JSON array must not make the view fail.
constexpr std::string_view kTracedUsers =
    "CASE WHEN json_valid(m.traced_users) THEN (CASE json_type(m.traced_users) WHEN 'array' "
    "THEN m.traced_users ELSE '[\"\"]' END) ELSE '[\"\"]' END";

std::string sipTraceView(std::string_view table) {
  const std::string name = sqlQuoted(table, '"');
  // Replies: status is the code (the method column of sip_capture holds it, §2.4) and method
  // the CSeq's; requests: the method and ''.
  return "DROP VIEW IF EXISTS " + name + ";\nCREATE VIEW " + name +
         " AS SELECT m.rowid AS id, m.date AS time_stamp, m.micro_ts % 1000000 AS time_us, "
         "m.callid AS callid, u.value AS traced_user, m.msg AS msg, "
         "CASE m.type WHEN 2 THEN ltrim(substr(m.cseq, instr(m.cseq, ' ') + 1)) ELSE m.method "
         "END AS method, CASE m.type WHEN 2 THEN m.method ELSE '' END AS status, " +
         traceAddress("source_ip", "source_port") + " AS fromip, " +
         traceAddress("destination_ip", "destination_port") +
         " AS toip, m.from_tag AS fromtag, m.to_tag AS totag, m.trace_direction AS direction, "
         "m.correlation_id AS correlation_id FROM siphon_messages AS m, "
         "json_each(" +
         std::string(kTracedUsers) +
         ") AS u "
         "WHERE m.trace_table = " +
         sqlQuoted(table, '\'') + ";\n";
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
    in_reports += sqlQuoted(t, '\'');
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
    sql += "DROP VIEW IF EXISTS " + sqlQuoted(t, '"') + ";\nCREATE VIEW " + sqlQuoted(t, '"') +
           " AS SELECT " + report_columns +
           " FROM siphon_messages WHERE tbl = " + sqlQuoted(t, '\'') + ";\n";
  }
  std::vector<std::string> traces = {"sip_trace"};
  for (const auto& t : options.trace_tables) {
    if (!t.empty() && std::find(traces.begin(), traces.end(), t) == traces.end()) {
      traces.push_back(t);
    }
  }
  for (const auto& t : traces) sql += sipTraceView(t);
  return sql;
}

}  // namespace siphon::store
