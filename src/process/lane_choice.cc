#include "process/lane_choice.h"

namespace siphon::process {
namespace {

enum class Count : uint8_t { Moved };
constexpr std::string_view kCounts[] = {"to_capture_mode"};

}  // namespace

LaneChoiceProcessor::LaneChoiceProcessor(CaptureRules rules, std::vector<size_t> lanes)
    : Processor("capture_mode_rule", {kCounts, {}}),
      rules_(std::move(rules)),
      lanes_(std::move(lanes)) {}

Verdict LaneChoiceProcessor::process(record::Record& r) {
  const size_t choice = rules_.lane(r.meta(), r.source);
  if (choice == 0 || choice >= lanes_.size()) return Verdict::Keep;
  r.lanes.reset(lanes_[0]);
  r.lanes.set(lanes_[choice]);
  counters_.count(Count::Moved);
  return Verdict::Keep;
}

}  // namespace siphon::process
