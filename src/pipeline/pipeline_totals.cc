#include "pipeline/pipeline_totals.h"

namespace siphon::pipeline {

PipelineTotals PipelineTotals::of(std::span<const core::StageSnapshot> stages) {
  PipelineTotals t;
  t.received = core::sumCount(stages, "source", "received");
  t.stored = core::sumCount(stages, "sink", "stored");
  t.relayed = core::sumCount(stages, "sink", "sent");
  t.unparsed_sip = core::sumCount(stages, "processor", "unparsed_sip");
  t.drops = core::dropsByReason(stages);
  return t;
}

uint64_t PipelineTotals::dropped(std::string_view reason) const {
  for (const auto& [r, n] : drops) {
    if (r == reason) return n;
  }
  return 0;
}

uint64_t PipelineTotals::droppedTotal() const {
  uint64_t n = 0;
  for (const auto& d : drops) n += d.second;
  return n;
}

}  // namespace siphon::pipeline
