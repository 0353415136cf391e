#pragma once
// BatchWriter: one database's way of writing a batch of records (PostgreSQL, MySQL/MariaDB,
// ClickHouse). What every database sink shares (insert_retries, the disk spool while the
// database is away, the replay once it is back, the health it reports) is DatabaseSink
// (database_sink.h); a writer only turns records into the database's rows and statements.
//
// What makes replay safe. A write() that fails with an answer from the database left no row
// behind (one transaction, or one atomic INSERT), so writing it again cannot store a message
// twice. One that fails without an answer (the connection broke after the request went out: the
// server may have committed and died before it said so) is in doubt; the sink then writes
// it, and the spool after it, with rewrite(), which leaves out what is already stored.
// ClickHouse needs this (a batch is several inserts, and its writes end with the answer to an
// INSERT); PostgreSQL's and MySQL's batch is one transaction, in doubt only between COMMIT and
// its answer, and they keep the default, which writes the batch again.
//
// Threads: the lane's thread only (open() on the owner's before the lane starts), but
// interrupt(), from any.

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
  /// Writes a batch an earlier attempt may have stored, wholly or in part, leaving out the
  /// records already stored; returns how many those were.
  [[nodiscard]] virtual core::Result<uint64_t, core::Failure> rewrite(
      std::span<const record::RecordPtr> batch) {
    SIPHON_TRY(write(batch));
    return uint64_t{0};
  }
  /// Lets the connection go: after a failure (it may be inside a transaction that will never
  /// end) and at close. The next write() connects again.
  virtual void disconnect() = 0;
  /// Any thread (DatabaseSink::interrupt, at stop): a write waiting on the server gives up,
  /// and every later write fails at once. Writers without a way to cut a wait short keep the
  /// default and their client's own timeout.
  virtual void interrupt() {}
  /// What a write fails with once interrupt() has cut it short, or came after it.
  [[nodiscard]] static core::Failure interruptedFailure() {
    return {"stopping: writes given up (interrupted)", 1};
  }
  /// Housekeeping the database needs from its writer (retention, sink/retention.h), called
  /// often with the wall clock; a writer decides how seldom to act. Errors are the writer's to
  /// report; they never fail a batch.
  virtual Expired maintain(int64_t /*now_us*/) { return {}; }
};

using BatchWriterPtr = std::unique_ptr<BatchWriter>;

}  // namespace siphon::sink
