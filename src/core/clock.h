#pragma once
// Clock: where every stage reads the time (STYLE.md §6, "Time is injected"). Two readings:
//
//  * steadyNow()   monotonic, for intervals: batch ages, flush intervals, reconnect backoff,
//                  retry timeouts, expiry of idle flows.
//  * wallMicros()  µs since the Unix epoch (UTC), for timestamps that are stored: the arrival
//                  time given to a HEP packet that carries none (§2.1).
//
// Production code takes a `const Clock&` and is given systemClock(); tests give a FakeClock
// (tests/support/fake_clock.h) and move time by hand, so that nothing waits for a real
// interval to pass. Implementations are safe to read from any thread.

#include <chrono>
#include <cstdint>

namespace siphon::core {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  [[nodiscard]] virtual SteadyTime steadyNow() const = 0;
  [[nodiscard]] virtual int64_t wallMicros() const = 0;
};

/// The real clocks (std::chrono::steady_clock and system_clock).
class SystemClock final : public Clock {
 public:
  [[nodiscard]] SteadyTime steadyNow() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] int64_t wallMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

/// The process's system clock. It holds no state, so sharing it is not shared mutable state.
[[nodiscard]] inline const Clock& systemClock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace siphon::core
