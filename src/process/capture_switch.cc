#include "process/capture_switch.h"

namespace siphon::process {
namespace {

enum class CaptureSwitchDrop : uint8_t { Off };
constexpr std::string_view kCaptureDrops[] = {"capture_off"};
constexpr std::string_view kTraceDrops[] = {"trace_off"};

}  // namespace

CaptureSwitchProcessor::CaptureSwitchProcessor(const CaptureSwitch& state, Kind kind)
    : Processor(kind == Kind::Capture ? "capture_on" : "trace_on",
                {{},
                 kind == Kind::Capture ? std::span<const std::string_view>(kCaptureDrops)
                                       : std::span<const std::string_view>(kTraceDrops)}),
      state_(state) {}

Verdict CaptureSwitchProcessor::process(record::Record&) {
  if (state_.accepting()) return Verdict::Keep;
  counters_.drop(CaptureSwitchDrop::Off);
  return Verdict::Drop;
}

}  // namespace siphon::process
