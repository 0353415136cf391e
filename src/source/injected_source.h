#pragma once
// InjectedSource: captures handed in by code that runs inside the traced program — a SIP
// server linking libsiphon_tracer (src/tracer/) — rather than read off a wire. The server
// sees what no sniffer can (SIP inside TLS, its own sockets' real addresses), and calls in on
// its own worker threads, which must never wait for us:
//
//   offer()   any thread: moves the capture into a bounded queue (records and bytes) and
//             returns at once; a full queue refuses it, counted queue_full (a `stopped`
//             source counts stopped). One mutex held for an O(1) deque push: no I/O, no
//             parsing, no allocation beyond the queue's own node.
//   worker    one thread takes batches off the queue and pushes them through the pipeline
//             (SIP parse, tracing rules, lanes), waiting for room in the lanes: the one place
//             a record can be lost for want of room is the queue in front, where it is counted.
//   refused   queue_full, stopped, and bad_argument for what the library refused to build
//   flush()   waits, bounded, until every capture offered before the call has been through
//             the pipeline.
//
// Nothing here is a copy of a live-capture source: there is no kernel buffer to drain and no
// frame to decode; the caller already holds the SIP message and its endpoints.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/stage_counters.h"
#include "source/ingress.h"
#include "source/source.h"

namespace siphon::source {

struct InjectedSourceOptions {
  std::string name = "library";      ///< the stage's name in counters
  size_t queue_records = 65'536;     ///< captures waiting for the worker
  size_t queue_bytes = 64ull << 20;  ///< their bytes (Capture::footprint)
};

class InjectedSource final : public Source {
 public:
  /// `ingress` must outlive the source (the pipeline that owns it).
  InjectedSource(InjectedSourceOptions options, Ingress& ingress);
  ~InjectedSource() override;
  InjectedSource(const InjectedSource&) = delete;
  InjectedSource& operator=(const InjectedSource&) = delete;

  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Pushes what is queued, then ends the worker. Later offers count `stopped`.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;

  /// Never blocks beyond the queue's mutex. False: refused and counted.
  bool offer(core::Capture&& capture);
  /// Counts a message the caller could not even hand in (bad_argument: no bytes, a bad
  /// address), so that every refusal shows in this stage's drops.
  void countBadArgument();
  /// True once every capture accepted before the call has been pushed through the pipeline;
  /// false when `timeout` passed first.
  bool flush(std::chrono::milliseconds timeout);

  [[nodiscard]] uint64_t accepted() const;
  [[nodiscard]] uint64_t pushed() const;
  [[nodiscard]] uint64_t refused() const;

 private:
  void run();

  InjectedSourceOptions options_;
  Ingress& ingress_;
  core::BoundedQueue<core::Capture> queue_;
  core::StageCounters counters_;
  std::atomic<uint64_t> accepted_{0};
  std::thread worker_;
  std::atomic<bool> stopping_{false};

  std::mutex pushed_mu_;
  std::condition_variable pushed_cv_;
  uint64_t pushed_ = 0;  ///< guarded by pushed_mu_
};

}  // namespace siphon::source
