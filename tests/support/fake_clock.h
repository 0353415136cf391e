#pragma once
// FakeClock: time that moves only when the test says so (core/clock.h). A store's open block
// becomes due, a reconnect backoff ends, an arrival time is stamped — exactly when the test
// advances the clock, never because a real interval passed. Thread-safe: the lanes read it
// while the test thread moves it.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.h"

namespace siphon::support {

class FakeClock final : public core::Clock {
 public:
  /// Starts at 2023-11-14 22:13:20 UTC (wall) and at an arbitrary steady origin.
  explicit FakeClock(int64_t wall_us = 1'700'000'000'000'000) : wall_us_(wall_us) {}

  [[nodiscard]] SteadyTime steadyNow() const override {
    return SteadyTime(std::chrono::microseconds(steady_us_.load()));
  }
  [[nodiscard]] int64_t wallMicros() const override { return wall_us_.load(); }

  /// Moves both clocks forward.
  void advance(std::chrono::microseconds d) {
    steady_us_ += d.count();
    wall_us_ += d.count();
  }

 private:
  std::atomic<int64_t> steady_us_{1'000'000'000};
  std::atomic<int64_t> wall_us_;
};

}  // namespace siphon::support
