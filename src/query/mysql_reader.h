#pragma once
// MysqlReader: the CaptureReader of a MySQL/MariaDB store (`--db mysql://...`), with the same
// results as the embedded store's and PostgreSQL's. Tables read: every table of the current
// database with the writer's layout (hep_chunks and micro_ts columns, sink/mysql/mysql_schema.h),
// sip_trace tables once per message. Filters are sql_filter.h's, as prepared statements with
// every value bound; results come back through bound buffers sized from the stored result's
// longest values.

#include <string>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "query/sql_capture_reader.h"
#include "query/sql_filter.h"
#include "record/capture_row.h"
#include "sink/mysql/mysql_connection.h"

namespace siphon::query {

class MysqlReader final : public SqlCaptureReader {
 public:
  MysqlReader(sink::MysqlPtr conn, std::vector<SqlTable> tables, record::CaptureRowOptions row)
      : SqlCaptureReader(SqlDialect::Mysql, /*rows_have_ids=*/true, std::move(tables),
                         std::move(row)),
        conn_(std::move(conn)) {}

  /// Connects and lists the tables. Errors: connection refused, login failed (exit code 1).
  [[nodiscard]] static core::Result<CaptureReaderPtr, core::Failure> open(
      const core::DbUrl& url, const record::CaptureRowOptions& row);

 private:
  /// Prepares `sql`, binds `w`'s parameters, runs it and stores its result.
  [[nodiscard]] core::Result<sink::MysqlStmtPtr, core::Failure> execute(const std::string& sql,
                                                                       const SqlWhere& w);
  [[nodiscard]] core::Result<void, core::Failure> aggregate(const SqlTable& t, const SqlStats& s,
                                                            std::vector<store::StatsRow>& out) override;
  [[nodiscard]] core::Result<void, core::Failure> select(const SqlTable& t, const SqlWhere& w,
                                                         const std::string& tail,
                                                         std::vector<Found>& out) override;

  sink::MysqlPtr conn_;
};

}  // namespace siphon::query
