#pragma once
// PostgresWriter: how a batch goes into PostgreSQL (db_url = postgres://...), the BatchWriter
// behind the collector's PostgreSQL storage lane (sink/database/database_sink.h says what
// happens when it fails: retries, the spool, the replay).
//
// A batch is one transaction: per target table one `COPY table (columns) FROM STDIN (FORMAT
// binary)` of the batch's rows (pg_row_buffer.h). The table is the one the record carries
// (chosen by the table-routing processor, strftime expanded here at capture time), created
// with its indexes the first time a connection writes to it (postgres_schema.h). With
// trace_tables (the agent's trace_to_database), a traced message goes to its sip_trace table
// instead, with Kamailio's sip_trace columns, one row per traced user (record/traced_users.h).
//
// Retention (maintain()): a table named by a pattern with a day in it (sip_capture_%Y%m%d) is
// dropped whole once that day is past its limit; another loses its older rows by DELETE.
//
// One connection, confined to the lane's thread (libpq connections are not thread-safe). A
// write, and each retention statement, waits at most io_timeout (a db_url parameter, 60 s) for
// the server: then its socket is shut down and the write fails (database/socket_watchdog.h).

#include <chrono>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "process/table_router.h"
#include "record/capture_columns.h"
#include "record/capture_row.h"
#include "sink/database/batch_writer.h"
#include "sink/database/sql_writer_options.h"
#include "sink/database/socket_watchdog.h"
#include "sink/postgres/pg_row_buffer.h"
#include "sink/postgres/postgres_connection.h"
#include "sink/retention.h"

namespace siphon::sink {

struct PostgresWriterOptions : SqlWriterOptions {};

class PostgresWriter final : public BatchWriter {
 public:
  explicit PostgresWriter(PostgresWriterOptions options) : options_(std::move(options)) {}

  [[nodiscard]] core::Result<void, core::Failure> open() override;
  [[nodiscard]] core::Result<void, core::Failure> write(
      std::span<const record::RecordPtr> batch) override;
  void disconnect() override;
  /// Shuts the connection's socket down now and fails every later write (socket_watchdog.h).
  void interrupt() override { watchdog_.interrupt(); }
  /// Retention, once an hour: day tables past their limit are dropped, other tables lose their
  /// older rows in chunks of 50,000 (at most 20 chunks a table a turn).
  Expired maintain(int64_t now_us) override;

 private:
  /// The buffer of `table` in this batch, made with `set` on first use.
  PgRowBuffer& rowsFor(std::string_view table, record::ColumnSet set);
  /// BEGIN, per table CREATE (first time) and COPY, COMMIT.
  [[nodiscard]] core::Result<void, core::Failure> writeTables();
  [[nodiscard]] core::Result<void, core::Failure> copyRows(const std::string& table,
                                                           PgRowBuffer& rows);

  PostgresWriterOptions options_;
  process::TableNames names_;
  PgConnPtr conn_;
  std::set<std::string, std::less<>> created_;  ///< tables known to exist (committed)
  std::vector<std::pair<std::string, PgRowBuffer>> tables_;  ///< the batch, per table
  record::CaptureRow row_;
  std::set<std::string, std::less<>> patterns_;  ///< table_name patterns written (day tables)
  int64_t pruned_us_ = 0;
  std::chrono::seconds io_timeout_{60};
  SocketWatchdog watchdog_;
};

}  // namespace siphon::sink
