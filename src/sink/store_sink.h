#pragma once
// The collector's storage stage: records from the queue into the embedded block store, on the
// sink's own thread (the SQLite connection never leaves it). Each batch is one transaction.
// SIP is parsed here, once per record, for the table choice and the index keys.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/ingest_stats.h"
#include "core/result.h"
#include "sink/capture_row.h"
#include "sink/sink.h"
#include "sink/store/block_store.h"
#include "sink/table_router.h"

namespace siphon::sink {

struct StoreSinkOptions {
  std::string path = "siphon.db";
  store::StoreOptions store;
  TableRouting routing;
  CaptureRowOptions row;
  size_t batch_size = 5000;                       ///< records per transaction at most
  std::chrono::milliseconds flush_interval{200};  ///< a partial batch waits at most this long
  int insert_retries = 0;                         ///< insert_retries (0-500)
  std::chrono::seconds insert_retry_timeout{60};  ///< insert_retry_timeout (0-300 s)
};

class StoreSink final : public Sink {
 public:
  StoreSink(StoreSinkOptions options, core::BoundedQueue<core::Capture>& queue,
            core::IngestStats& stats);
  ~StoreSink() override;
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;

  /// Opens (creating) the store; a path that cannot be opened is an error.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void start() override;
  /// Call after the sources stopped: closes the queue, writes everything left, joins.
  void flushAndStop() override;

  /// Stages one record (parse, route, keys); the batch is written by commitBatch().
  void stage(const core::Capture& capture);
  /// Writes what is due (everything when `force`), with insert_retries; counts the records
  /// written as stored and, when the store keeps failing, the unwritten ones as dropped.
  void commitBatch(bool force = false);

 private:
  void run();

  StoreSinkOptions options_;
  core::BoundedQueue<core::Capture>& queue_;
  core::IngestStats& stats_;
  std::unique_ptr<store::BlockStore> store_;
  TableRouter router_;
  sip::SipCaptureFields fields_;
  uint32_t node_cache_id_ = 0;  ///< capture id `node_cache_` was built for
  std::string node_cache_;      ///< capture_node:capture_id, rebuilt only when the id changes
  size_t staged_ = 0;
  uint64_t staged_unparsed_ = 0;
  std::thread thread_;
};

}  // namespace siphon::sink
