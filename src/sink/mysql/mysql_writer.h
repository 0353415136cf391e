#pragma once
// MysqlWriter: how a batch goes into MySQL or MariaDB (db_url = mysql://...), the BatchWriter
// behind the collector's MySQL storage lane (sink/database/database_sink.h says what happens
// when it fails: retries, the spool, the replay).
//
// A batch is one transaction: per target table, multi-row INSERTs of prepared statements with
// every value bound (MYSQL_BIND), at most kRowsPerStatement rows each, so that no captured byte
// is ever part of SQL text. The statement for a full chunk is prepared once per connection and
// table; a shorter last chunk gets its own. Tables (mysql_schema.h) are created the first time
// a connection writes to them; strftime table names expand at capture time, as everywhere.
// With trace_tables (the agent's trace_to_database) a traced message goes to its sip_trace
// table, one row per traced user, as PostgresWriter does.
//
// One connection, confined to the lane's (or a WriterCrew's) thread. interrupt(), at stop, shuts
// its socket down from any thread (database/socket_watchdog.h).

#include <cstdint>
#include <map>
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
#include "sink/database/socket_watchdog.h"
#include "sink/database/sql_writer_options.h"
#include "sink/mysql/mysql_connection.h"
#include "sink/retention.h"

namespace siphon::sink {

struct MysqlWriterOptions : SqlWriterOptions {};

/// The values of one batch's rows for one table, kept until they are bound and executed.
class MysqlRowBuffer {
 public:
  enum class Kind : uint8_t { Null, Text, Integer, Blob };
  struct Value {
    Kind kind = Kind::Null;
    uint32_t offset = 0, length = 0;  ///< Text / Blob: bytes in data()
    int64_t integer = 0;
  };

  explicit MysqlRowBuffer(record::ColumnSet set);
  /// Appends one record's row, in the order of mysqlColumns(set).
  void add(const core::CaptureMeta& meta, const record::CaptureRow& row);
  [[nodiscard]] record::ColumnSet columnSet() const { return set_; }
  [[nodiscard]] size_t rows() const { return rows_; }
  [[nodiscard]] size_t columns() const { return columns_; }
  [[nodiscard]] const Value& value(size_t i) const { return values_[i]; }
  [[nodiscard]] const std::string& data() const { return data_; }

 private:
  record::ColumnSet set_;
  size_t columns_;
  size_t rows_ = 0;
  std::vector<Value> values_;
  std::string data_;
};

class MysqlWriter final : public BatchWriter {
 public:
  /// Rows per INSERT at most: few round trips, well within max_allowed_packet (16 MB) and the
  /// protocol's 65535 placeholders per statement.
  static constexpr size_t kRowsPerStatement = 500;

  explicit MysqlWriter(MysqlWriterOptions options) : options_(std::move(options)) {}

  [[nodiscard]] core::Result<void, core::Failure> open() override;
  [[nodiscard]] core::Result<void, core::Failure> write(
      std::span<const record::RecordPtr> batch) override;
  void disconnect() override;
  /// Shuts the connection's socket down now and fails every later write
  /// (database/socket_watchdog.h).
  void interrupt() override { watchdog_.interrupt(); }
  /// Retention as PostgresWriter::maintain(): day tables dropped, older rows deleted in chunks.
  Expired maintain(int64_t now_us) override;

 private:
  MysqlRowBuffer& rowsFor(std::string_view table, record::ColumnSet set);
  /// CREATE (first time) per table, then one transaction of every table's INSERTs.
  [[nodiscard]] core::Result<void, core::Failure> writeTables();
  [[nodiscard]] core::Result<void, core::Failure> insertRows(const std::string& table,
                                                             const MysqlRowBuffer& rows);
  /// A prepared INSERT of `n` rows into `table`; full chunks are kept for the next batch.
  [[nodiscard]] core::Result<st_mysql_stmt*, core::Failure> statement(const std::string& table,
                                                                      record::ColumnSet set,
                                                                      size_t n);

  MysqlWriterOptions options_;
  process::TableNames names_;
  MysqlPtr conn_;
  SocketWatchdog watchdog_;
  std::set<std::string, std::less<>> created_;  ///< tables known to exist on this connection
  std::map<std::string, MysqlStmtPtr, std::less<>> prepared_;  ///< full-chunk INSERT per table
  MysqlStmtPtr tail_;                                          ///< the last chunk's
  std::vector<std::pair<std::string, MysqlRowBuffer>> tables_;  ///< the batch, per table
  record::CaptureRow row_;
  std::set<std::string, std::less<>> patterns_;  ///< table_name patterns written (day tables)
  int64_t pruned_us_ = 0;
};

}  // namespace siphon::sink
