#pragma once
// ClickHouseReader: the CaptureReader of a ClickHouse store (`--db clickhouse://host:8123/db`),
// with the results of the other stores. Tables read: the current database's tables with the
// writer's layout (hep_chunks and micro_ts); where a table has a Distributed `<table>_all`
// (clickhouse_cluster), that one instead, so that one search or one call lookup covers every
// shard. Filters are sql_filter.h's ClickHouse dialect: parameters travel as the external
// table `params` (sink/clickhouse/clickhouse_http.h), users, addresses and correlation ids are
// found through siphon_keys; rows come back as RowBinary.
//
// A row has no id in ClickHouse: its key in a result is a hash of its time, addresses and
// bytes, which tells two messages apart (the same capture twice is one message anyway).

#include <string>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "query/capture_reader.h"
#include "query/sql_filter.h"
#include "record/capture_row.h"
#include "sink/clickhouse/clickhouse_http.h"

namespace siphon::query {

class ClickHouseReader final : public CaptureReader {
 public:
  ClickHouseReader(core::DbUrl url, record::CaptureRowOptions row)
      : http_(std::move(url)), row_(std::move(row)) {}

  /// Asks the server for the tables. Errors: unreachable, refused (exit code 1).
  [[nodiscard]] static core::Result<CaptureReaderPtr, core::Failure> open(
      const core::DbUrl& url, const record::CaptureRowOptions& row);

  [[nodiscard]] core::Result<SearchResult, core::Failure> search(const SearchQuery& q) override;
  [[nodiscard]] core::Result<std::vector<Found>, core::Failure> byIdentifier(
      std::string_view id, int64_t since, int64_t until, size_t limit) override;
  [[nodiscard]] core::Result<std::optional<Found>, core::Failure> message(
      const std::string& table, int64_t micro_ts, int64_t key) override;

  [[nodiscard]] const std::vector<SqlTable>& tables() const { return tables_; }

 private:
  [[nodiscard]] core::Result<void, core::Failure> listTables();
  [[nodiscard]] core::Result<void, core::Failure> select(const SqlTable& t, const SqlWhere& w,
                                                         const std::string& tail,
                                                         std::vector<Found>& out);

  sink::ClickHouseHttp http_;
  record::CaptureRowOptions row_;
  std::vector<SqlTable> tables_;
};

}  // namespace siphon::query
