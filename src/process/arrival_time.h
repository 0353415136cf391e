#pragma once
// Arrival time: a record that carries no capture time (HEPv1, a HEPv2/v3 sender that sends
// none, a plain-SIP copy without X-Siptrace-Time) gets the time it arrived, from the injected
// clock, as Kamailio's sipcapture does (docs/HEP-AND-MODULES.md §2.1). The one place where the
// collector reads the wall clock for a record.

#include "core/clock.h"
#include "process/processor.h"

namespace siphon::process {

class ArrivalTimeProcessor final : public Processor {
 public:
  /// `clock` must outlive the processor.
  explicit ArrivalTimeProcessor(const core::Clock& clock);
  [[nodiscard]] Verdict process(record::Record& r) override;

 private:
  const core::Clock& clock_;
};

}  // namespace siphon::process
