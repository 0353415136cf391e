#include "process/arrival_time.h"

namespace siphon::process {
namespace {

enum class ArrivalTimeCount : uint8_t { Stamped };
constexpr std::string_view kArrivalTimeCounts[] = {"stamped"};

}  // namespace

ArrivalTimeProcessor::ArrivalTimeProcessor(const core::Clock& clock)
    : Processor("arrival_time", {kArrivalTimeCounts, {}}), clock_(clock) {}

Verdict ArrivalTimeProcessor::process(record::Record& r) {
  auto& m = r.capture.meta;
  if (m.ts_sec != 0) return Verdict::Keep;
  const int64_t us = clock_.wallMicros();
  m.ts_sec = static_cast<uint32_t>(us / 1'000'000);
  m.ts_usec = static_cast<uint32_t>(us % 1'000'000);
  counters_.count(ArrivalTimeCount::Stamped);
  return Verdict::Keep;
}

}  // namespace siphon::process
