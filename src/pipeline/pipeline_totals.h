#pragma once
// The figures every front end prints — `siphon serve`'s summary line, `siphon ctl stats`,
// /metrics, the agent's summary line — summed over the pipeline's stages by name, so that they
// always agree with the per-stage counters they are made of.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stage_counters.h"

namespace siphon::pipeline {

struct PipelineTotals {
  uint64_t received = 0;      ///< sources' "received": packets/records that came in
  uint64_t stored = 0;        ///< sinks' "stored": rows committed to a database
  uint64_t relayed = 0;       ///< sinks' "sent": packets sent on (HEP out, plain SIP copies)
  uint64_t unparsed_sip = 0;  ///< the SIP parse's "unparsed_sip": kept raw with a parse_error
  std::vector<std::pair<std::string, uint64_t>> drops;  ///< every reason, summed over stages

  [[nodiscard]] static PipelineTotals of(std::span<const core::StageSnapshot> stages);
  [[nodiscard]] uint64_t dropped(std::string_view reason) const;
  [[nodiscard]] uint64_t droppedTotal() const;
};

}  // namespace siphon::pipeline
