#include "trace/trace_processor.h"

namespace siphon::trace {
namespace {

enum class Count : uint8_t { Traced, Correlated };
enum class Drop : uint8_t { NoRule, RuleDrop };
constexpr std::string_view kCounts[] = {"traced", "correlated"};
constexpr std::string_view kDrops[] = {"no_rule", "rule_drop"};

}  // namespace

TraceProcessor::TraceProcessor(std::vector<TraceRule> rules, TraceLanes lanes)
    : Processor("trace", {kCounts, kDrops}), rules_(std::move(rules)), lanes_(std::move(lanes)) {
  lanes_.per_rule.resize(rules_.size());
}

process::Verdict TraceProcessor::process(record::Record& r) {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const TraceRule& rule = rules_[i];
    if (!rule.matches(r)) continue;
    const TraceActions& a = rule.actions;
    if (a.drop) {
      counters_.drop(Drop::RuleDrop);
      return process::Verdict::Drop;
    }
    if (auto id = correlationOf(a.correlation, r)) {
      // A header's value or the Call-ID is a view of the record's own payload; a fixed text is
      // the rule's, which the record may outlive: kept with it.
      const bool fixed = a.correlation.kind == TraceCorrelation::Kind::Fixed;
      r.capture.meta.correlation_id = fixed ? r.capture.keep(std::string(*id)) : *id;
      if (r.parsed) r.sip.correlation_id = r.capture.meta.correlation_id;
      counters_.count(Count::Correlated);
    }
    if (lanes_.per_rule[i].any()) r.lanes = (r.lanes & ~lanes_.senders) | lanes_.per_rule[i];
    counters_.count(Count::Traced);
    return process::Verdict::Keep;
  }
  counters_.drop(Drop::NoRule);
  return process::Verdict::Drop;
}

}  // namespace siphon::trace
