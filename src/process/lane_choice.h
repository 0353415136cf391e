#pragma once
// The capture_mode_rule lane choice (process/capture_rules.h): a record that a rule matches
// leaves the default storage lane for the lane of the capture_mode the rule names. Other
// lanes the record goes to (a relay, a second sink) are left as they are.

#include <cstddef>
#include <vector>

#include "process/capture_rules.h"
#include "process/processor.h"

namespace siphon::process {

class LaneChoiceProcessor final : public Processor {
 public:
  /// `lanes[0]` is the default storage lane, `lanes[i]` the lane of capture_mode i-1 (the
  /// numbering of CaptureRules::lane()).
  LaneChoiceProcessor(CaptureRules rules, std::vector<size_t> lanes);
  [[nodiscard]] Verdict process(record::Record& r) override;

 private:
  CaptureRules rules_;
  std::vector<size_t> lanes_;
};

}  // namespace siphon::process
