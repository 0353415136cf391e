#include "query/sql_capture_reader.h"

namespace siphon::query {

core::Result<SearchResult, core::Failure> SqlCaptureReader::search(const SearchQuery& q) {
  SearchResult result;
  std::vector<Found> rows;
  const std::string tail =
      " ORDER BY micro_ts DESC LIMIT " + std::to_string(q.offset + q.limit + 1);
  for (const auto& t : tables_) {
    if (!t.sip && hasSipFilter(q)) continue;  // report tables have no SIP columns
    SIPHON_TRY(select(t, searchWhere(q, t, dialect_), tail, rows));
    ++result.blocks_read;
  }
  finishSqlSearch(q, row_, rows, result);
  return result;
}

core::Result<std::vector<Found>, core::Failure> SqlCaptureReader::byIdentifier(std::string_view id,
                                                                               int64_t since,
                                                                               int64_t until,
                                                                               size_t limit) {
  std::vector<Found> rows;
  const std::string tail = " ORDER BY micro_ts LIMIT " + std::to_string(limit);
  for (const auto& t : tables_) {
    // Report tables (rtcp_capture, report_capture) join by correlation_id. A ClickHouse one
    // is found through siphon_keys, which holds SIP keys only.
    if (!t.sip && !t.key_table.empty()) continue;
    SIPHON_TRY(select(t, identifierWhere(id, since, until, t, dialect_), tail, rows));
  }
  return rows;
}

core::Result<std::optional<Found>, core::Failure> SqlCaptureReader::message(
    const std::string& table, int64_t micro_ts, int64_t key) {
  for (const auto& t : tables_) {
    // Only a table this store has: the name came from a client.
    if (t.name != table && t.key_name != table) continue;
    std::vector<Found> rows;
    SIPHON_TRY(select(t, rowWhere(micro_ts, rows_have_ids_ ? key : -1, dialect_), "", rows));
    for (auto& f : rows) {
      if (static_cast<int64_t>(f.record_index) == key) return std::optional<Found>(std::move(f));
    }
  }
  return std::optional<Found>{};
}

}  // namespace siphon::query
