#pragma once
// Processor: one step between the sources and the lanes (docs/ARCHITECTURE.md "processors").
// The pipeline runs its processors in order on every record, on the thread of the source that
// made it, while the record is still owned by that thread alone: a processor may read and
// annotate it (parse its SIP, choose its lanes and table, rewrite a plain-SIP copy) or drop it.
//
// Processors are shared by every source thread, so process() must be safe to call
// concurrently: configuration is immutable after construction, run-time switches and counters
// are atomics. A processor counts what it drops by reason in stats(), in the one shape of
// counters (core/stage_counters.h).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/stage_counters.h"
#include "record/record.h"

namespace siphon::process {

enum class Verdict : uint8_t {
  Keep,  ///< on to the next processor, then the lanes
  Drop,  ///< the processor counted why; nothing after it sees the record
};

class Processor {
 public:
  virtual ~Processor() = default;
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  /// Any thread, concurrently. Never throws for any record content.
  [[nodiscard]] virtual Verdict process(record::Record& r) = 0;

  /// True for the one processor that fills every field of Record::sip (sip_parse.h).
  [[nodiscard]] virtual bool parsesSip() const { return false; }

  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }
  /// Stages of its own a processor runs (the tracer's state tables), shown after it.
  virtual void moreStats(std::vector<core::StageSnapshot>& /*out*/) const {}

 protected:
  Processor(std::string name, core::CounterNames names)
      : counters_(std::move(name), "processor", names) {}
  core::StageCounters counters_;
};

using ProcessorPtr = std::unique_ptr<Processor>;

}  // namespace siphon::process
