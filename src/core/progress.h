#pragma once
// ProgressBar: one line on a terminal for long work (`siphon agent --pcap` on a big file,
// `siphon export` of a big call, fill_store), with the share done, the rate and the time left:
//
//   reading capture.pcap [##########..........]  52%  1.1 GB of 2.1 GB  86.2 MB/s  ETA 0:12
//
// It draws only when its output is a terminal (the caller says so: stderrIsTerminal()), so
// logs and pipes stay clean; it redraws at most every 100 ms whatever the update rate, and
// finish() clears the line so the summary that follows prints where the bar was. Work of
// unknown size (total 0) shows the count and the rate without a bar.
//
// Not thread-safe: one thread updates it.

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/clock.h"

namespace siphon::core {

enum class ProgressUnit : uint8_t { Bytes, Items };

class ProgressBar {
 public:
  /// Draws to `out` when `enabled`; `items` names the things counted (Items unit).
  ProgressBar(std::string label, uint64_t total, ProgressUnit unit, bool enabled, std::FILE* out = stderr,
              const Clock& clock = systemClock(), std::string items = "messages");
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// `done` of `total` so far; redraws when 100 ms passed since the last drawing.
  void update(uint64_t done);
  /// Clears the line (once).
  void finish();

  /// The line for `done` after `seconds` (no terminal codes): what update() draws.
  [[nodiscard]] std::string line(uint64_t done, double seconds) const;

 private:
  std::string label_;
  uint64_t total_;
  ProgressUnit unit_;
  bool enabled_;
  std::FILE* out_;
  const Clock& clock_;
  std::string items_;
  Clock::SteadyTime start_;
  Clock::SteadyTime last_draw_{};
  bool drawn_ = false;
  bool finished_ = false;
};

/// True when stderr is a terminal (the progress bars' condition).
[[nodiscard]] bool stderrIsTerminal();

}  // namespace siphon::core
