#pragma once
// Sink: where records end up (docs/ARCHITECTURE.md "sinks"): the embedded store, PostgreSQL,
// HEP out (= relay), the plain-SIP duplicate. A sink is the writing half of a pipeline lane
// (pipeline/lane.h); the lane owns the queue, the thread and the lifecycle, so that every sink
// is started, batched, flushed and stopped the same way:
//
//   owner thread   open()            connect / create what is missing; an error stops start-up
//   lane thread    write(batch)      the records the lane took from its queue, in order
//                  tick()            nothing arrived within idleWait(): periodic work (seal an
//                                    old block, reconnect, replay a spool)
//                  close()           the queue is closed and drained: write what is held, let go
//                  writeFailed(...)  write() threw: count the batch as lost, get back into a
//                                    state where the next write() can work
//
// A sink only reads records: they are shared with the other lanes. It counts every record it
// is given as written (its own counts, e.g. "stored", "sent") or dropped with a reason, in
// stats(), the one shape of counters every stage has (core/stage_counters.h).

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/stage_counters.h"
#include "record/record.h"

namespace siphon::sink {

/// How the lane batches for a sink.
struct SinkTiming {
  size_t batch = 5000;  ///< records per write() at most
  /// A first record is waited for this long; with `fill`, more are then taken until `batch` or
  /// until this much time has passed since the first (a store's transaction); without, the
  /// batch is what is there (a sender that should not delay packets).
  std::chrono::milliseconds interval{200};
  bool fill = true;
};

/// How a sink's destination is doing, for /health and `ctl stats` (a load balancer or an
/// operator reads it; the counters say how much).
enum class SinkState : uint8_t {
  Ok,        ///< writing, nothing waiting
  Retrying,  ///< a write is being retried, or the destination is back and a spool replays
  Spooling,  ///< the destination fails: records go to the disk spool, none is lost
  Down,      ///< the destination fails and records are dropped (no spool, or it fails too)
};
/// "ok", "retrying", "spooling", "down".
[[nodiscard]] std::string_view sinkStateName(SinkState s);

struct SinkHealth {
  SinkState state = SinkState::Ok;
  uint64_t spool_records = 0;  ///< records (or packets) waiting on disk
  uint64_t spool_bytes = 0;
  int64_t spool_age_s = 0;     ///< how long the oldest of them has waited
  std::string error;           ///< the last failure while not Ok ("" otherwise)
};

class Sink {
 public:
  virtual ~Sink() = default;
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  /// Connects / opens, creating what is missing. Exit code 2 for a configuration error.
  [[nodiscard]] virtual core::Result<void, core::Failure> open() = 0;
  /// Writes one batch (lane thread). Records not written are counted as dropped by reason.
  virtual void write(std::span<const record::RecordPtr> batch) = 0;
  /// Periodic work while no record arrives (lane thread).
  virtual void tick() {}
  /// After the last write(): writes or spools what the sink still holds, closes (lane thread,
  /// or the owner's when the lane never started).
  virtual void close() = 0;
  /// Any thread, while the lane's stop() has waited long for the lane thread: a sink whose
  /// write waits on a silent peer (a stopped database) gives that wait up, and the writes after
  /// it fail at once, so that what it holds is spooled as after any failed write and the stop
  /// ends. Sinks that never wait on a peer keep the default.
  virtual void interrupt() {}
  /// write() threw `what` (out of memory, a library's exception): counts the batch (and
  /// whatever the sink held of earlier batches) as dropped and resets. Never throws.
  virtual void writeFailed(std::span<const record::RecordPtr> batch,
                           std::string_view what) noexcept = 0;

  [[nodiscard]] virtual SinkTiming timing() const { return {}; }
  /// How long the lane waits for a record before tick(); timing().interval by default.
  [[nodiscard]] virtual std::chrono::milliseconds idleWait() const { return timing().interval; }
  /// Whether write() reads Record::sip: the preset then puts the SIP parse in the chain.
  [[nodiscard]] virtual bool needsSipParse() const { return false; }
  /// Whether write() keeps the parse's verdict on the header values as it is (a parse_error
  /// column): the SIP parse then validates every value at ingest (FieldSet::All). A sink whose
  /// readers parse the stored bytes again, and give the verdict then, needs only the framing
  /// (FieldSet::Ingest, or Store when nothing else reads the fields).
  [[nodiscard]] virtual bool needsFullSipVerdict() const { return needsSipParse(); }

  /// Any thread. Sinks without a remote destination are always Ok.
  [[nodiscard]] virtual SinkHealth health() const { return {}; }

  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }

 protected:
  Sink(std::string name, core::CounterNames names) : counters_(std::move(name), "sink", names) {}
  core::StageCounters counters_;
};

using SinkPtr = std::unique_ptr<Sink>;

}  // namespace siphon::sink
