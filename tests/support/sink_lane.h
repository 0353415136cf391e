#pragma once
// SinkLane: a sink under test inside a real pipeline lane (pipeline/lane.h), the way a
// pipeline runs it: offer() pushes a record as a live source would (a full queue drops and
// counts), flushAndStop() stops the lane (everything queued is written, then close()).

#include <memory>
#include <string>
#include <utility>

#include "pipeline/lane.h"
#include "record/record.h"

namespace siphon::support {

template <class S>
class SinkLane {
 public:
  template <class... Args>
  explicit SinkLane(Args&&... args)
      : sink_(new S(std::forward<Args>(args)...)), lane_("test lane", sink::SinkPtr(sink_), {}) {}

  [[nodiscard]] auto open() { return sink_->open(); }
  void start() { lane_.start(); }
  /// A record as it left a source (no processor ran).
  bool offer(core::Capture c) { return offer(record::makeRecord(std::move(c))); }
  /// A record as the processors left it (support::RecordMaker).
  bool offer(record::RecordPtr r) {
    return lane_.push(std::move(r), source::PushPolicy::DropWhenFull);
  }
  void flushAndStop() { lane_.stop(); }
  void sync() { lane_.sync(); }

  [[nodiscard]] S& sink() { return *sink_; }
  [[nodiscard]] const core::StageCounters& stats() const { return sink_->stats(); }
  [[nodiscard]] const core::StageCounters& laneStats() const { return lane_.stats(); }

 private:
  S* sink_;  ///< owned by the lane
  pipeline::Lane lane_;
};

}  // namespace siphon::support
