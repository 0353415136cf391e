#include "query/sql_capture_reader.h"

#include <algorithm>
#include <map>

namespace siphon::query {
namespace {

constexpr size_t kTopKeysPerTable = 10'000;

}  // namespace

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

core::Result<std::vector<store::StatsRow>, core::Failure> SqlCaptureReader::statsSeries(
    store::StatsDim dim, int64_t since_s, int64_t until_s, int64_t interval_s) {
  // A report table's rows and sip_capture's fall into the same buckets: summed here.
  std::map<std::pair<int64_t, std::string>, int64_t> sums;
  for (const auto& t : tables_) {
    const auto s = statsSelect(dim, t, since_s * 1'000'000, (until_s + 1) * 1'000'000 - 1,
                               std::max<int64_t>(interval_s, 1), dialect_);
    if (!s) continue;
    std::vector<store::StatsRow> rows;
    SIPHON_TRY(aggregate(t, *s, rows));
    for (auto& r : rows) sums[{r.bucket, std::move(r.key)}] += r.count;
  }
  std::vector<store::StatsRow> out;
  out.reserve(sums.size());
  for (auto& [bk, n] : sums) out.push_back({bk.first, dim, bk.second, n});
  return out;
}

core::Result<std::vector<store::StatsRow>, core::Failure> SqlCaptureReader::statsTop(
    store::StatsDim dim, int64_t since_s, int64_t until_s, size_t limit) {
  std::map<std::string, int64_t> sums;
  for (const auto& t : tables_) {
    auto s = statsSelect(dim, t, since_s * 1'000'000, (until_s + 1) * 1'000'000 - 1, 0, dialect_);
    if (!s) continue;
    // Each table's biggest keys: exact for any key among them (an address in two tables
    // is summed), bounded however many addresses the traffic had.
    s->tail = " ORDER BY n DESC LIMIT " + std::to_string(kTopKeysPerTable);
    std::vector<store::StatsRow> rows;
    SIPHON_TRY(aggregate(t, *s, rows));
    for (auto& r : rows) sums[std::move(r.key)] += r.count;
  }
  std::vector<store::StatsRow> out;
  out.reserve(sums.size());
  for (auto& [key, n] : sums) out.push_back({0, dim, key, n});
  std::sort(out.begin(), out.end(), [](const store::StatsRow& a, const store::StatsRow& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace siphon::query
