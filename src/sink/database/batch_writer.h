#pragma once
// BatchWriter: one database's way of writing a batch of records (PostgreSQL, MySQL/MariaDB,
// ClickHouse). What every database sink shares (insert_retries, the disk spool while the
// database is away, the replay once it is back, the health it reports) is DatabaseSink
// (database_sink.h); a writer only turns records into the database's rows and statements.
//
// The contract that makes replay safe: write() is all or nothing. A batch that returns an
// error left no row behind (one transaction, or one atomic INSERT), so writing it again cannot
// store a message twice.
//
// Threads: the lane's thread only (open() on the owner's before the lane starts).

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"
#include "record/record.h"

namespace siphon::sink {

/// What a writer's housekeeping removed (retention): rows, and whole tables or partitions (whose
/// rows count too, as the server estimates them).
struct Expired {
  uint64_t records = 0;
  uint64_t tables = 0;
};

class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  /// Start-up: connects once, so that a wrong URL, a refused login or an unreachable server
  /// stops start-up with a message (exit code 2 for configuration errors).
  [[nodiscard]] virtual core::Result<void, core::Failure> open() = 0;
  /// Writes every record of `batch` (their SIP parsed; Record::table chosen), creating tables
  /// as needed: all of them, or on error none of them. Reconnects when the connection is gone.
  [[nodiscard]] virtual core::Result<void, core::Failure> write(
      std::span<const record::RecordPtr> batch) = 0;
  /// Lets the connection go: after a failure (it may be inside a transaction that will never
  /// end) and at close. The next write() connects again.
  virtual void disconnect() = 0;
  /// Housekeeping the database needs from its writer (retention, sink/retention.h), called
  /// often with the wall clock; a writer decides how seldom to act. Errors are the writer's to
  /// report; they never fail a batch.
  virtual Expired maintain(int64_t /*now_us*/) { return {}; }
};

using BatchWriterPtr = std::unique_ptr<BatchWriter>;

}  // namespace siphon::sink
