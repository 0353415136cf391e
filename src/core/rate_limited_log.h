#pragma once
// RateLimitedLog: one line on stderr per event kind and interval, however often the event
// happens (STYLE.md §4: decoders and sources log rate-limited; the counters are the interface).
// The first event is logged at once; later ones within the interval are counted and reported
// with the next line: "siphon: tcp:0.0.0.0:9060: connection refused (per-source limit) x37".
// Thread-safe.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace siphon::core {

class RateLimitedLog {
 public:
  RateLimitedLog(std::string what, const Clock& clock,
                 std::chrono::seconds interval = std::chrono::seconds(10))
      : what_(std::move(what)), clock_(clock), interval_(interval) {}

  /// One event; `detail` (e.g. the peer) goes into the line when one is written.
  void event(const std::string& detail);

 private:
  std::string what_;
  const Clock& clock_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  bool logged_once_ = false;  ///< guarded by mu_
  Clock::SteadyTime last_{};  ///< guarded by mu_
  uint64_t suppressed_ = 0;   ///< guarded by mu_
};

}  // namespace siphon::core
