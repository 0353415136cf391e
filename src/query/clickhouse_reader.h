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
#include "query/sql_capture_reader.h"
#include "query/sql_filter.h"
#include "record/capture_row.h"
#include "sink/clickhouse/clickhouse_http.h"

namespace siphon::query {

class ClickHouseReader final : public SqlCaptureReader {
 public:
  ClickHouseReader(core::DbUrl url, record::CaptureRowOptions row)
      : SqlCaptureReader(SqlDialect::ClickHouse, /*rows_have_ids=*/false, {}, std::move(row)),
        http_(std::move(url)) {}

  /// Asks the server for the tables. Errors: unreachable, refused (exit code 1).
  [[nodiscard]] static core::Result<CaptureReaderPtr, core::Failure> open(
      const core::DbUrl& url, const record::CaptureRowOptions& row);

 private:
  [[nodiscard]] core::Result<void, core::Failure> listTables();
  /// Runs `sql` with `w`'s parameters as the external table `params`; the response body.
  [[nodiscard]] core::Result<std::string, core::Failure> run(const std::string& sql, const SqlWhere& w);
  [[nodiscard]] core::Result<void, core::Failure> aggregate(const SqlTable& t, const SqlStats& s,
                                                            std::vector<store::StatsRow>& out) override;
  [[nodiscard]] core::Result<void, core::Failure> select(const SqlTable& t, const SqlWhere& w,
                                                         const std::string& tail,
                                                         std::vector<Found>& out) override;

  sink::ClickHouseHttp http_;
};

}  // namespace siphon::query
