#pragma once
// DatabaseSink: the storage stage into an external database (PostgreSQL, MySQL/MariaDB,
// ClickHouse), one BatchWriter (batch_writer.h) behind the one policy that says what happens
// when the database is down or slow, so that an outage loses nothing.
//
//   write(batch)   the writer writes it (split over db_connections connections, one part
//                  each, when the batch is large: see writer_crew.h), with insert_retries:
//                  a failed write is retried at
//                  once, insert_retries times at most and within insert_retry_timeout
//                  (Kamailio's rule, docs/HEP-AND-MODULES.md §2.7). If a part still fails:
//                    with a spool   the part goes to the disk spool (sink/spool/disk_spool.h),
//                                   encoded (record/record_codec.h); state "spooling";
//                    without        its records are dropped as storage_error; state "down".
//                  The parts that committed stay committed: each part is its own transaction.
//   while spooled  every new batch joins the spool's tail, so the database later sees the
//                  records in the order they came. Writing is tried again after a backoff
//                  (1 s, doubling to 30 s) rather than on every batch: a dead server is not
//                  hammered, and batches are not delayed by connect timeouts.
//   replay         once a write succeeds, the spool is written back oldest first, one batch
//                  at a time (read through the spool's cursor, consumed only once committed:
//                  a batch that fails is read again later, never lost, never written twice);
//                  state "retrying" until the spool is empty, then "ok". Each turn replays
//                  for a bounded time, so the lane keeps taking new records meanwhile.
//   in doubt       a write that failed may still have stored its records (the connection
//                  broke before the answer), and an earlier run may have died mid-replay. So
//                  after a failure, and at start with a leftover spool, retries and replayed
//                  batches go through the writer's rewrite(), which leaves out the records
//                  already stored (counted as already_stored), until a batch finds none:
//                  what is in doubt is the spool's head, never what follows a clean batch.
//   spool full     the spool keeps the newest records; the oldest segments are deleted and
//                  their records counted as spool_full. A record the spool cannot write
//                  (disk error) is counted as spool_error. Nothing is lost silently.
//   close()        one last bounded replay; what is still spooled stays on disk, and the next
//                  run replays it first.
//   interrupt()    the lane's stop() found the lane still writing after its grace time (a
//                  database that stopped answering): writes fail from then on, so the rest
//                  is spooled at once.
//
// health() says the state, the spool's depth in records and bytes, and the age of its oldest
// record; the counters add spooled, replayed, spool_records, spool_bytes and spool_age_s to the
// store's (stored, batches, batch_us, ...), and what retention removed (expired_records,
// expired_tables; the writer's maintain()), and already_stored.
//
// Threads: the lane's thread drives everything; health() may be called from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "sink/database/batch_writer.h"
#include "sink/database/writer_crew.h"
#include "sink/sink.h"
#include "sink/spool/disk_spool.h"
#include "sip/sip_capture_fields.h"

namespace siphon::sink {

struct DatabaseSinkOptions {
  std::string name;                               ///< stage name, e.g. "postgres postgres://u:***@h/db"
  size_t batch_size = 5000;                       ///< records per transaction at most
  std::chrono::milliseconds flush_interval{200};  ///< a partial batch waits at most this long
  int insert_retries = 0;                         ///< insert_retries (0-500)
  std::chrono::seconds insert_retry_timeout{60};  ///< insert_retry_timeout (0-300 s)
  size_t connections = 1;                         ///< db_connections: parts written at once
  size_t min_part = 1000;                         ///< records per part at least
  std::filesystem::path spool_dir;                ///< spool_dir (this database's); empty: none
  uint64_t spool_max_bytes = 1024ull << 20;       ///< spool_max_mb
  /// How spooled records are parsed again when they are replayed (the collector's
  /// callid_aleg_header and custom field headers, as the SIP-parse processor had them).
  sip::FieldOptions fields;
  std::chrono::milliseconds backoff_min{1000};    ///< first wait before trying a failed database
  std::chrono::milliseconds backoff_max{30'000};  ///< longest wait
  std::chrono::milliseconds replay_turn{250};     ///< replay time per write()/tick() at most
  std::chrono::milliseconds close_replay{5000};   ///< replay time at close() at most
};

/// Makes one writer (one connection) each time it is called.
using WriterFactory = std::function<BatchWriterPtr()>;

class DatabaseSink final : public Sink {
 public:
  /// Makes options.connections writers. `clock` must outlive the sink.
  DatabaseSink(DatabaseSinkOptions options, const WriterFactory& make_writer,
               const core::Clock& clock = core::systemClock());
  ~DatabaseSink() override;

  /// Opens the spool (a leftover one is replayed first) and the writer.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void write(std::span<const record::RecordPtr> batch) override;
  /// Replays the spool when its backoff is over; refreshes the spool gauges.
  void tick() override;
  void close() override;
  /// Interrupts every writer (BatchWriter::interrupt): the write in flight fails, and so does
  /// every later one, so the rest is spooled and close() leaves the spool on disk.
  void interrupt() override;
  void writeFailed(std::span<const record::RecordPtr> batch,
                   std::string_view what) noexcept override;
  [[nodiscard]] SinkTiming timing() const override;
  /// A spool is replayed while no record arrives: wait no longer than the backoff's start.
  [[nodiscard]] std::chrono::milliseconds idleWait() const override;
  [[nodiscard]] bool needsSipParse() const override { return true; }
  [[nodiscard]] SinkHealth health() const override;

  [[nodiscard]] BatchWriter& writer(size_t i = 0) { return *writers_[i]; }

 private:
  /// One part with insert_retries on writer `w`; the last error when every attempt failed.
  /// Safe on a crew thread: it only counts in atomics.
  [[nodiscard]] core::Result<void, core::Failure> writeWithRetries(
      size_t w, std::span<const record::RecordPtr> part);
  void spoolBatch(std::span<const record::RecordPtr> batch);
  /// Writes spooled batches back while the spool has any and `budget` lasts.
  void replay(std::chrono::milliseconds budget);
  /// A write failed: say so once, wait before the next try.
  void failed(const core::Failure& f, bool spooling);
  void recovered();
  void refreshSpoolGauges();
  /// The writer's housekeeping (retention), counted.
  void maintain();
  /// The spool time of the oldest record not consumed (0 when empty).
  void findOldest();
  void setState(SinkState s);
  [[nodiscard]] bool retryDue() const;

  DatabaseSinkOptions options_;
  std::vector<BatchWriterPtr> writers_;  ///< one per connection; [0] also replays
  const core::Clock& clock_;
  std::unique_ptr<WriterCrew> crew_;      ///< the other connections' threads
  DiskSpoolPtr spool_;
  std::vector<std::byte> buffer_;           ///< one encoded record
  std::vector<record::RecordPtr> replayed_;  ///< the batch being replayed
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
  bool failing_ = false;
  bool in_doubt_ = false;  ///< replays go through rewrite() (see "in doubt" above)
  int64_t oldest_us_ = 0;  ///< spool time of the oldest spooled record, 0 when none

  std::atomic<SinkState> state_{SinkState::Ok};
  std::atomic<uint64_t> spool_records_{0}, spool_bytes_{0};
  std::atomic<int64_t> oldest_us_shared_{0};
  mutable std::mutex error_mutex_;
  std::string error_;  ///< guarded by error_mutex_
};

}  // namespace siphon::sink
