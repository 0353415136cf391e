#pragma once
// The tracing rules as a processor of the agent (trace_rule.h): after the SIP parse, the first
// rule that takes a message decides how it is traced; with rules, a message no rule takes is
// not traced (as a Kamailio script that never calls sip_trace() for it) and is counted
// `no_rule`. Without rules the agent adds no such processor: every message is traced on its
// own, as before rules existed.
//
// What a matching rule does to the record:
//   correlation   the id goes into the record's 0x0011 (CaptureMeta::correlation_id), which the
//                 HEP-out sink sends and the store keeps in correlation_id;
//   destinations  the record leaves the default senders' lanes (--hep / duplicate_uri) for the
//                 rule's own lane;
//   drop          not traced at all (counted `rule_drop`).
//
// Scope m only for now (trace_config refuses the others at start-up).

#include <vector>

#include "process/processor.h"
#include "trace/trace_rule.h"

namespace siphon::trace {

/// The lanes the rules move records between.
struct TraceLanes {
  record::LaneSet senders;                ///< --hep / duplicate_uri / sip_duplicate_uri
  std::vector<record::LaneSet> per_rule;  ///< a rule's destinations; empty set: none of its own
};

class TraceProcessor final : public process::Processor {
 public:
  /// `lanes.per_rule` has one entry per rule (or is empty: no rule has destinations).
  TraceProcessor(std::vector<TraceRule> rules, TraceLanes lanes);

  [[nodiscard]] process::Verdict process(record::Record& r) override;

 private:
  std::vector<TraceRule> rules_;
  TraceLanes lanes_;
};

}  // namespace siphon::trace
