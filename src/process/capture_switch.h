#pragma once
// The run-time capture switch (capture_on / hep_capture_on on the collector, trace_on on the
// agent; `siphon ctl capture|trace on|off`, SIGHUP): while it is off, records are dropped and
// counted (capture_off / trace_off), as Kamailio's sipcapture and siptrace do (seeds).

#include <atomic>
#include <cstdint>
#include <string_view>

#include "process/processor.h"

namespace siphon::process {

/// The switch's state; written by the control thread, read by every source thread.
struct CaptureSwitch {
  std::atomic<bool> capture_on{true};
  std::atomic<bool> hep_capture_on{true};  ///< collector only; the agent leaves it on
  [[nodiscard]] bool accepting() const {
    return capture_on.load(std::memory_order_relaxed) &&
           hep_capture_on.load(std::memory_order_relaxed);
  }
};

class CaptureSwitchProcessor final : public Processor {
 public:
  /// Which switch it is: the name of its counter and of its drop reason.
  enum class Kind : uint8_t {
    Capture,  ///< sipcapture's capture_on / hep_capture_on: drops "capture_off"
    Trace,    ///< siptrace's trace_on: drops "trace_off"
  };
  /// `state` must outlive the processor.
  CaptureSwitchProcessor(const CaptureSwitch& state, Kind kind);
  [[nodiscard]] Verdict process(record::Record& r) override;

 private:
  const CaptureSwitch& state_;
};

}  // namespace siphon::process
