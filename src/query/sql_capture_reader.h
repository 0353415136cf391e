#pragma once
// SqlCaptureReader: what the readers of the SQL stores (PostgreSQL, MySQL, ClickHouse) do
// alike. A search, a call lookup and a message fetch are each one SELECT per table of the
// writer's layout, with sql_filter.h's WHERE in the store's dialect; only running a SELECT and
// turning its rows into Founds differs, and that is each reader's select().

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "query/capture_reader.h"
#include "query/sql_filter.h"
#include "record/capture_row.h"

namespace siphon::query {

class SqlCaptureReader : public CaptureReader {
 public:
  [[nodiscard]] core::Result<SearchResult, core::Failure> search(const SearchQuery& q) final;
  [[nodiscard]] core::Result<std::vector<Found>, core::Failure> byIdentifier(std::string_view id,
                                                                             int64_t since,
                                                                             int64_t until,
                                                                             size_t limit) final;
  [[nodiscard]] core::Result<std::optional<Found>, core::Failure> message(const std::string& table,
                                                                          int64_t micro_ts,
                                                                          int64_t key) final;

  /// Counted from the rows of every table (sql_filter.h statsSelect), summed over the tables.
  [[nodiscard]] core::Result<std::vector<store::StatsRow>, core::Failure> statsSeries(
      store::StatsDim dim, int64_t since_s, int64_t until_s, int64_t interval_s) final;
  [[nodiscard]] core::Result<std::vector<store::StatsRow>, core::Failure> statsTop(
      store::StatsDim dim, int64_t since_s, int64_t until_s, size_t limit) final;

  [[nodiscard]] const std::vector<SqlTable>& tables() const { return tables_; }

 protected:
  /// `rows_have_ids`: false where rows have no id column (ClickHouse), so a message is found
  /// by its time and then by its key (a hash select() computes), not by an id in the WHERE.
  SqlCaptureReader(SqlDialect dialect, bool rows_have_ids, std::vector<SqlTable> tables,
                   record::CaptureRowOptions row)
      : dialect_(dialect),
        rows_have_ids_(rows_have_ids),
        tables_(std::move(tables)),
        row_(std::move(row)) {}

  /// Runs `SELECT <the reader's columns> FROM t <w> <tail>` and appends each row to `out`.
  [[nodiscard]] virtual core::Result<void, core::Failure> select(const SqlTable& t,
                                                                 const SqlWhere& w,
                                                                 const std::string& tail,
                                                                 std::vector<Found>& out) = 0;

  /// Runs `SELECT <s.columns> FROM t <s.where> GROUP BY b, k` and appends each row's bucket,
  /// key and count to `out`.
  [[nodiscard]] virtual core::Result<void, core::Failure> aggregate(const SqlTable& t,
                                                                    const SqlStats& s,
                                                                    std::vector<store::StatsRow>& out) = 0;

  SqlDialect dialect_;
  bool rows_have_ids_;
  std::vector<SqlTable> tables_;  ///< what open() found; ClickHouse fills it after construction
  record::CaptureRowOptions row_;
};

}  // namespace siphon::query
