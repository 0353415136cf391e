#pragma once
// Pipeline: sources → an ordered chain of processors → lanes (docs/ARCHITECTURE.md).
//
//   sources     make records, decoded once, on their own threads, and push() them here
//   processors  run in order on the pushing thread: a record is annotated (SIP parse, lane
//               choice, table) or dropped; each counts what it drops
//   lanes       a bounded queue + a sink each (lane.h). A record goes to every lane in its
//               LaneSet: the lanes added as defaults, as changed by the lane choice. It is
//               frozen first (RecordPtr), so fan-out shares one record and copies no payload.
//
// `siphon serve` and `siphon agent` are two configurations of it (collector.h, agent.h);
// any mix of sinks is allowed (a store plus HEP out, HEP out plus a plain-SIP duplicate).
//
// Lifecycle: build (addProcessor/addLane/addSource), then start() — sinks opened, lanes
// started, then sources, so that no record arrives before its lane runs — and stop() in the
// reverse order: sources first (each pushes what it already received), then the lanes (each
// writes what is queued). Processors and their views (table names) outlive the lanes.
//
// The pipeline also says what it holds, for the HTTP API (web/api_server.h): its switches
// (capture_on, trace_on) and the store that search and call routes read.
//
// Threads: build, start, stop and sync from the owner; push() from any source thread;
// snapshot() and the lookups from any thread once started.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/stage_counters.h"
#include "pipeline/lane.h"
#include "process/capture_switch.h"
#include "process/processor.h"
#include "record/capture_row.h"
#include "sink/record_tap.h"
#include "sink/sink.h"
#include "source/ingress.h"
#include "source/source.h"

namespace siphon::pipeline {

/// A store the read side (search, calls, UI) can open: the db_url of a storage lane and the
/// row options its records were stored with.
struct QueryableStore {
  std::string db_url;
  record::CaptureRowOptions row;
  /// Where its sink shows the records it wrote (the API's live tail); may be null.
  std::shared_ptr<sink::RecordTap> tap;
};

/// Something outside the chain whose counters belong to the pipeline's (an offline reader).
class StageReporter {
 public:
  virtual ~StageReporter() = default;
  virtual void snapshot(std::vector<core::StageSnapshot>& out) const = 0;
};

class Pipeline final : public source::Ingress {
 public:
  explicit Pipeline(const core::Clock& clock = core::systemClock());
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // ---- building (before start) ----
  void addProcessor(process::ProcessorPtr p);
  /// Adds a lane; `by_default` puts every record on it unless a processor takes it off.
  /// Returns its index (for LaneSet). At most record::kMaxLanes lanes.
  [[nodiscard]] core::Result<size_t, core::Failure> addLane(std::string name, sink::SinkPtr sink,
                                                            LaneOptions options, bool by_default);
  /// Before start(): started by start(). On a running pipeline (a live capture added to an
  /// agent that replays files too): started now; an error leaves it out.
  [[nodiscard]] core::Result<void, core::Failure> addSource(source::SourcePtr s);
  /// Counters of a stage that is not a source, processor or lane (must outlive the pipeline).
  void addReporter(const StageReporter* r) { reporters_.push_back(r); }
  /// A named switch the API offers (`capture`, `trace`); must outlive the pipeline.
  void addSwitch(std::string name, process::CaptureSwitch* s);
  void setQueryableStore(QueryableStore store) { store_ = std::move(store); }

  // ---- running ----
  /// Opens every sink, starts the lanes, then the sources. A sink that needs the SIP parse
  /// (Sink::needsSipParse) with no SIP-parse processor in the chain is a configuration error.
  /// On error nothing keeps running.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Stops the sources, then the lanes (everything queued is written). Idempotent.
  void stop();
  /// Every lane's sync() (lane.h): what was pushed before the call is written.
  void sync();

  /// The chain, then the lanes named by the record (Ingress).
  bool push(record::RecordBox r, source::PushPolicy policy) override;

  // ---- what it holds ----
  /// Every stage's counters: sources, processors, lanes, sinks, reporters, in that order.
  [[nodiscard]] std::vector<core::StageSnapshot> snapshot() const;
  [[nodiscard]] const std::vector<source::SourcePtr>& sources() const { return sources_; }
  [[nodiscard]] size_t laneCount() const { return lanes_.size(); }
  [[nodiscard]] Lane& lane(size_t i) { return *lanes_[i]; }
  [[nodiscard]] const Lane& lane(size_t i) const { return *lanes_[i]; }
  [[nodiscard]] size_t queueDepth() const;
  [[nodiscard]] size_t queueBytes() const;
  /// The lanes' byte high-water marks, summed.
  [[nodiscard]] size_t queuePeakBytes() const;
  /// The switch named `name`, or null.
  [[nodiscard]] process::CaptureSwitch* findSwitch(std::string_view name) const;
  [[nodiscard]] const std::optional<QueryableStore>& queryableStore() const { return store_; }
  [[nodiscard]] const core::Clock& clock() const { return clock_; }

 private:
  const core::Clock& clock_;
  std::vector<process::ProcessorPtr> processors_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<source::SourcePtr> sources_;
  std::vector<const StageReporter*> reporters_;
  std::vector<std::pair<std::string, process::CaptureSwitch*>> switches_;
  std::optional<QueryableStore> store_;
  record::LaneSet default_lanes_;
  core::StageCounters counters_;
  bool running_ = false;
};

}  // namespace siphon::pipeline
