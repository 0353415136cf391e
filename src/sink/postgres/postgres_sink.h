#pragma once
// PostgresSink: the collector's storage stage into PostgreSQL (db_url = postgres://...).
//
// One thread drains the queue and owns the one libpq connection. A batch (batch_size records
// or flush_interval, whichever comes first) is written in one transaction: per target table a
// multi-row INSERT with bound parameters (at most kMaxParams per statement), so no captured
// byte is ever part of SQL text. Text columns go as text parameters (repaired to valid UTF-8
// without NUL bytes when a header was not: PostgreSQL would refuse the whole batch), msg and
// hep_chunks as binary parameters, byte-exact.
//
// Columns are the PostgreSQL columns of record/capture_columns.h, read from the record's one SIP
// parse like every other store and printer; the table is the one the record carries (chosen by
// the table-routing processor, strftime expanded here at capture time), created with its
// indexes the first time a connection writes to it (see postgres_schema.h). With trace_tables
// (the agent's trace_to_database), a traced message goes to its sip_trace table instead, with
// Kamailio's sip_trace columns, one row per traced user (record/traced_users.h).
//
// Failures: a batch that fails is retried at once, insert_retries times at most and within
// insert_retry_timeout (Kamailio's rule, HEP-AND-MODULES.md §2.7), on a fresh connection each
// time; then its records are counted as dropped with reason storage_error and the next batch
// connects again. The sink never stops on a database error.

#include <chrono>
#include <cstddef>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/capture.h"
#include "core/clock.h"
#include "core/db_url.h"
#include "core/result.h"
#include "process/table_router.h"
#include "record/capture_columns.h"
#include "record/capture_row.h"
#include "sink/postgres/postgres_connection.h"
#include "sink/sink.h"
#include "sink/store_sink.h"

namespace siphon::sink {

struct PostgresSinkOptions {
  core::DbUrl url;                                ///< scheme Postgres
  record::CaptureRowOptions row;                  ///< capture_node (the node column)
  size_t batch_size = 5000;                       ///< records per transaction at most
  std::chrono::milliseconds flush_interval{200};  ///< a partial batch waits at most this long
  int insert_retries = 0;                         ///< insert_retries (0-500)
  std::chrono::seconds insert_retry_timeout{60};  ///< insert_retry_timeout (0-300 s)
  /// The agent's trace_to_database: a traced message (the tracing rules stamped its table,
  /// trace/sip_trace_rows.h) becomes rows of that sip_trace table, one per traced user,
  /// instead of a sip_capture row. A collector leaves it off: traced HEP from an agent is
  /// captured traffic like any other there.
  bool trace_tables = false;

  /// The same settings as the embedded store's (the collector keeps one set of keys).
  [[nodiscard]] static PostgresSinkOptions from(core::DbUrl url, const StoreSinkOptions& store);
};

/// The rows of one batch for one table, as libpq parameters: values are kept in one buffer
/// and become pointers only when the statement runs (the buffer moves while it grows).
class PgRowBuffer {
 public:
  explicit PgRowBuffer(record::ColumnSet set);
  /// Appends one record's parameters, in the order of postgresColumns(set). `row` must be
  /// buildCaptureRow() of `meta` (with its traced_user set, for a SipTrace row).
  void add(const core::CaptureMeta& meta, const record::CaptureRow& row);
  [[nodiscard]] record::ColumnSet columnSet() const { return set_; }
  [[nodiscard]] size_t rows() const { return rows_; }
  [[nodiscard]] size_t columns() const { return columns_; }
  /// Parameter `i` (row-major): value bytes (nullptr for SQL NULL), length, 1 when binary.
  /// A text value is followed by a NUL byte (not counted in its length), as libpq needs.
  struct Param {
    const char* value;
    int length;
    int format;
  };
  [[nodiscard]] Param param(size_t i) const;

 private:
  struct Slot {
    uint32_t offset = 0;
    uint32_t length = 0;
    bool null = false;
    bool binary = false;
  };
  void text(std::string_view v);
  void integer(int64_t v);
  void boolean(bool v);
  void bytes(std::span<const std::byte> v);
  void null();

  record::ColumnSet set_;
  size_t columns_;
  size_t rows_ = 0;
  std::string data_;
  std::vector<Slot> slots_;
};

class PostgresSink final : public Sink {
 public:
  /// PostgreSQL allows 65535 parameters in one statement.
  static constexpr size_t kMaxParams = 65535;

  /// `clock` must outlive the sink.
  explicit PostgresSink(PostgresSinkOptions options,
                        const core::Clock& clock = core::systemClock());
  ~PostgresSink() override;

  /// Connects once: an unreachable server or a refused login is an error at start-up.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  /// Writes `batch` in one transaction with insert_retries; counts every record as stored or
  /// dropped (storage_error).
  void write(std::span<const record::RecordPtr> batch) override;
  void close() override { conn_.reset(); }
  void writeFailed(std::span<const record::RecordPtr> batch,
                   std::string_view what) noexcept override;
  [[nodiscard]] SinkTiming timing() const override;
  [[nodiscard]] bool needsSipParse() const override { return true; }

 private:
  /// One attempt: (re)connect if needed, BEGIN, create tables, INSERTs, COMMIT.
  [[nodiscard]] core::Result<void, core::Failure> tryWrite();
  [[nodiscard]] core::Result<void, core::Failure> insertRows(const std::string& table,
                                                             const PgRowBuffer& rows);

  PostgresSinkOptions options_;
  const core::Clock& clock_;
  process::TableNames names_;
  PgConnPtr conn_;
  std::set<std::string, std::less<>> created_;               ///< tables known to exist (committed)
  std::vector<std::pair<std::string, PgRowBuffer>> tables_;  ///< the batch, per table
  /// The buffer of `table` in this batch, made with `set` on first use.
  PgRowBuffer& rowsFor(std::string_view table, record::ColumnSet set);
  record::CaptureRow row_;
  bool failing_ = false;  ///< last batch failed: log the recovery once
};

}  // namespace siphon::sink
