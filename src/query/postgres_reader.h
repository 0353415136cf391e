#pragma once
// PostgresReader: the CaptureReader of a PostgreSQL store (`--db postgres://...`): the same
// results as the embedded store's, so the CLI, the HTTP API and call assembly print the same
// lines from either.
//
// Tables read: every table of the connection's current schema that has the writer's layout
// (the hep_chunks and micro_ts columns, postgres_schema.h): strftime-named tables are found
// without knowing table_name, and so are the agent's sip_trace tables (read once per message:
// the traced_user = '' row). Filters are sql_filter.h's, with bound parameters; rows come back
// in binary, each turned back into a CaptureMeta (its key: table and id).
//
// Each statement waits at most the URL's io_timeout (60 s by default) for the server, as the
// writer's do (sink/database/socket_watchdog.h): a server that stops answering in the middle
// of a search fails that search, and the HTTP request or the command behind it, instead of
// holding it for ever. connect_timeout covers a server silent before the first statement.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "query/sql_capture_reader.h"
#include "query/sql_filter.h"
#include "record/capture_row.h"
#include "sink/database/socket_watchdog.h"
#include "sink/postgres/postgres_connection.h"

namespace siphon::query {

class PostgresReader final : public SqlCaptureReader {
 public:
  PostgresReader(sink::PgConnPtr conn, std::vector<SqlTable> tables, record::CaptureRowOptions row,
                 std::chrono::seconds io_timeout, std::unique_ptr<sink::SocketWatchdog> watchdog)
      : SqlCaptureReader(SqlDialect::Postgres, /*rows_have_ids=*/true, std::move(tables),
                         std::move(row)),
        conn_(std::move(conn)),
        io_timeout_(io_timeout),
        watchdog_(std::move(watchdog)) {}

  /// Connects and lists the tables. Errors: connection refused, login failed, no answer
  /// within io_timeout (exit code 1); a bad io_timeout (exit code 2).
  [[nodiscard]] static core::Result<CaptureReaderPtr, core::Failure> open(
      const core::DbUrl& url, const record::CaptureRowOptions& row);

 private:
  [[nodiscard]] core::Result<void, core::Failure> aggregate(const SqlTable& t, const SqlStats& s,
                                                            std::vector<store::StatsRow>& out) override;
  [[nodiscard]] core::Result<void, core::Failure> select(const SqlTable& t, const SqlWhere& w,
                                                         const std::string& tail,
                                                         std::vector<Found>& out) override;

  /// PQexecParams under the watchdog; pgSilenceFailure() when io_timeout passed first.
  [[nodiscard]] core::Result<sink::PgResultPtr, core::Failure> execParams(
      const std::string& sql, const std::vector<const char*>& values, int binary);

  sink::PgConnPtr conn_;
  std::chrono::seconds io_timeout_;
  std::unique_ptr<sink::SocketWatchdog> watchdog_;  ///< a thread: one per reader
};

}  // namespace siphon::query
