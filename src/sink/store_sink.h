#pragma once
// StoreSink: records into the embedded block store (db_url = sqlite:PATH), on its lane's
// thread (the SQLite connection never leaves it). Each write() stages a batch — table, node
// column and index keys from the record's one SIP parse — and commits what is due in one
// transaction; the store decides by the injected clock when an open block is due
// (open_block_write_interval) or old enough to seal (block_max_age).
//
// Failures: a commit that fails is retried at once, insert_retries times at most and within
// insert_retry_timeout (Kamailio's rule, HEP-AND-MODULES.md §2.7); then the records it held
// are counted as dropped (storage_error) and forgotten, so that nothing counted as dropped
// appears later.

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "process/table_router.h"
#include "record/capture_row.h"
#include "sink/record_tap.h"
#include "sink/retention.h"
#include "sink/sink.h"
#include "store/block_store.h"

namespace siphon::sink {

/// A storage profile (db_url's sink settings): the embedded store's and PostgreSQL's share it.
struct StoreSinkOptions {
  std::string path = "siphon.db";
  store::StoreOptions store;
  /// table_name / mt_mode / hash_source. The sink writes the table each record carries; the
  /// pipeline's table-routing processor chooses it from this (process/table_routing.h).
  process::TableRouting routing;
  record::CaptureRowOptions row;                  ///< capture_node, SIP field headers
  size_t batch_size = 5000;                       ///< records per transaction at most
  std::chrono::milliseconds flush_interval{200};  ///< a partial batch waits at most this long
  int insert_retries = 0;                         ///< insert_retries (0-500)
  std::chrono::seconds insert_retry_timeout{60};  ///< insert_retry_timeout (0-300 s)
  /// spool_dir / spool_max_mb: where an external database's batches wait while it is down
  /// (sink/database/database_sink.h), one subdirectory per database; empty: no spool, a batch
  /// the database refuses after insert_retries is dropped (storage_error). The embedded store
  /// has no spool: it is the disk.
  std::string spool_dir = "db-spool";
  /// clickhouse_cluster: ClickHouse writes Distributed tables `<table>_all` over this cluster
  /// (of the server's remote_servers) beside its local ones, which searches read.
  std::string clickhouse_cluster;
  /// retention_days and retention: how long each table keeps its messages (sink/retention.h),
  /// in every store.
  RetentionPolicy retention;
  /// max_store_mb: the embedded store's disk budget; beyond it the oldest blocks go. 0: none.
  uint64_t max_store_bytes = 0;
  /// db_connections: an external database takes a large batch in this many parts at once,
  /// each on its own connection (its own server process), each its own transaction.
  size_t db_connections = 2;
  uint64_t spool_max_bytes = 1024ull << 20;
  /// The agent's trace_to_database: traced messages are sip_trace rows. PostgreSQL writes them
  /// to those tables (SqlWriterOptions::trace_tables); the embedded store keeps every
  /// record once and shows them through its sip_trace views either way.
  bool trace_to_database = false;
  /// Records written are shown here (the API's live tail); null: nobody watches.
  std::shared_ptr<RecordTap> tap;
};

/// What a storage sink (embedded or PostgreSQL) counts.
/// CacheBytes is a level, not a sum: the embedded store's SQLite page cache after its last
/// commit (part of the collector's steady memory, with the lanes' queues).
enum class StoreCount : uint8_t {
  Stored,
  Batches,
  BatchUs,
  BatchMaxUs,
  CacheBytes,
  ExpiredRecords,  ///< records retention removed (retention_days, retention, max_store_mb)
  ExpiredBlocks,   ///< blocks they were in
  kCount
};
enum class StoreDrop : uint8_t { StorageError, kCount };
/// The names of those counts and drops.
[[nodiscard]] core::CounterNames storeCounterNames();
/// Counts a committed transaction of `records` (none: nothing but the stored count) that
/// started at `started` (steady clock: a duration measured, not a decision made by time).
void countCommit(core::StageCounters& counters, uint64_t records,
                 std::chrono::steady_clock::time_point started);

class StoreSink final : public Sink {
 public:
  /// `clock` must outlive the sink.
  explicit StoreSink(StoreSinkOptions options, const core::Clock& clock = core::systemClock());
  ~StoreSink() override;

  /// Opens (creating) the store; a path that cannot be opened is an error.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void write(std::span<const record::RecordPtr> batch) override;
  /// Commits open blocks that became due while nothing arrived.
  void tick() override {
    commitBatch();
    expire();
  }
  /// Commits and seals everything, closes the file (readers may open it right after).
  void close() override;
  void writeFailed(std::span<const record::RecordPtr> batch,
                   std::string_view what) noexcept override;
  [[nodiscard]] SinkTiming timing() const override;
  [[nodiscard]] bool needsSipParse() const override { return true; }
  /// The store keeps the bytes, indexes the fields' parts, and has no parse_error column: its
  /// readers (search, flow, the API, the sip_capture view) parse in full and give the verdict.
  [[nodiscard]] bool needsFullSipVerdict() const override { return false; }

  /// Stages one record (table, node, keys); the batch is written by commitBatch(). The record
  /// must have been through the SIP parse (Record::parsed).
  void stage(const record::Record& r);
  void countStats(const record::Record& r, std::string_view node);
  [[nodiscard]] std::string_view ipText(const core::IpAddress& ip);
  /// Writes what is due (everything when `force`), with insert_retries; counts the records
  /// written as stored and, when the store keeps failing, the unwritten ones as dropped.
  /// False when the batch was given up (its records counted as dropped).
  bool commitBatch(bool force = false);

 private:
  StoreSinkOptions options_;
  const core::Clock& clock_;
  std::unique_ptr<store::BlockStore> store_;
  process::TableNames tables_;
  core::Clock::SteadyTime expired_at_{};  ///< when expire() last ran
  /// Retention and the disk budget, at most once a minute (the lane's write and idle turns).
  void expire();
  uint32_t node_cache_id_ = 0;  ///< capture id `node_cache_` was built for
  std::string node_cache_;      ///< capture_node:capture_id, rebuilt only when the id changes
  /// Addresses as text for the statistics' keys, the last few kept (round robin).
  std::array<std::pair<core::IpAddress, std::string>, 8> ip_cache_{};
  size_t ip_cache_next_ = 0;
};

}  // namespace siphon::sink
