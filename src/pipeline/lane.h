#pragma once
// Lane: a bounded queue and the sink that drains it, on the lane's own thread — the one place
// where a sink is started, batched, flushed and stopped (sink/sink.h describes the calls).
//
//   push()   any thread: the record joins the queue, or is dropped and counted (queue_full);
//            with WaitForRoom it waits for room first, at most 10 s (then not_queued)
//   start()  opens nothing (the pipeline opened the sink) and starts the thread
//   stop()   closes the queue; the thread writes what is queued, calls sink.close(), ends;
//            after stop_grace the sink is interrupted (a write waiting on a silent database
//            then fails and is spooled) rather than holding the stop for its own timeout
//   sync()   a barrier for tests and shutdown paths: returns once every record pushed before
//            the call has been written and the sink has run its periodic work (tick) once,
//            with whatever time the injected clock says it is
//
// The queue is bounded in records and in bytes (Record::footprint): records differ in size
// by two orders of magnitude, so only the byte bound keeps memory flat under overload.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/bounded_queue.h"
#include "core/stage_counters.h"
#include "record/record.h"
#include "sink/sink.h"
#include "source/ingress.h"

namespace siphon::pipeline {

struct LaneOptions {
  size_t capacity = 200'000;          ///< records queued at most
  size_t byte_capacity = 128u << 20;  ///< ... and at most this many bytes of them (0: no bound)
  std::chrono::milliseconds max_wait{10'000};  ///< WaitForRoom gives up after this
  /// stop() waits this long for the lane thread before it interrupts the sink: under a
  /// service manager's stop timeout (systemd: 90 s), whose SIGKILL would lose the queue.
  std::chrono::milliseconds stop_grace{5'000};
};

enum class LaneCount : uint8_t { Queued, kCount };
enum class LaneDrop : uint8_t {
  QueueFull,  ///< live input found the queue full
  NotQueued,  ///< offline input waited max_wait for room in vain
  kCount,
};

class Lane {
 public:
  Lane(std::string name, sink::SinkPtr sink, LaneOptions options);
  ~Lane();
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  /// Any thread. False when the record was dropped (counted).
  bool push(record::RecordPtr r, source::PushPolicy policy);
  /// Starts the lane's thread; the sink must be open.
  void start();
  /// Writes everything queued, closes the sink, joins. Idempotent.
  void stop();
  /// See above. No-op when the lane is not running.
  void sync();

  [[nodiscard]] sink::Sink& sink() { return *sink_; }
  [[nodiscard]] const sink::Sink& sink() const { return *sink_; }
  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }
  [[nodiscard]] size_t depth() const { return queue_.size(); }
  [[nodiscard]] size_t bytes() const { return queue_.bytes(); }
  [[nodiscard]] size_t peakBytes() const { return queue_.peakBytes(); }

 private:
  void run();
  void writeBatch();
  void serveSync();

  sink::SinkPtr sink_;
  LaneOptions options_;
  core::StageCounters counters_;
  core::BoundedQueue<record::RecordPtr> queue_;
  std::vector<record::RecordPtr> batch_;
  std::thread thread_;
  bool started_ = false;

  std::mutex sync_mu_;
  std::condition_variable sync_done_cv_;
  uint64_t sync_requested_ = 0;  ///< guarded by sync_mu_
  uint64_t sync_done_ = 0;       ///< guarded by sync_mu_
  bool running_ = false;         ///< guarded by sync_mu_
};

}  // namespace siphon::pipeline
