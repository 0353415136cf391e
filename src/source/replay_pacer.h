#pragma once
// ReplayPacer: when each frame of a pcap replay (`siphon agent --pcap`) is due, so that a
// file is not thrown at a collector faster than it can take it.
//
// Two schedules, as tcpreplay and heplify users know them, either or both:
//   speed  the capture's own timing divided by a multiplier (`--replay-speed 1` is the
//          original timing, `2` twice as fast); a frame whose time runs backwards (merged
//          captures) is due at once;
//   rate   at most N frames per second (`--rate N/s`, tcpreplay's --pps).
// A frame is due at the later of the two. Without either flag the agent paces at
// kDefaultRate: a 10,000-frame burst into a receiver's default 208 KiB socket buffer loses
// most of it (a Python receiver lost packets of a 406-message file sent at full speed), while
// 10,000 frames/s is far below what any collector takes and still replays 600k frames a
// minute. `--replay-speed max` alone sends as fast as the agent can.
//
// Catching up. When the sender falls behind the rate schedule (descheduled, a slow
// destination), the schedule is moved forward rather than letting the backlog go out in one
// burst: at most kMaxBurst of lag is ever made up at once. The speed schedule is not moved,
// so a replay at the original timing keeps the capture's gaps.
//
// The pacer computes times and never sleeps itself: the caller sleeps until due(), and tests
// check the schedule without a clock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace siphon::source {

struct ReplayPacing {
  static constexpr double kDefaultRate = 10'000;  ///< frames/s when neither flag is given

  std::optional<double> speed;  ///< capture timing divided by this; none: not followed
  std::optional<double> rate;   ///< frames per second at most; none: no limit

  [[nodiscard]] bool paced() const { return speed.has_value() || rate.has_value(); }

  /// From the flags' texts (each absent when not given): `speed` is "max" or a positive
  /// number, `rate` is "max" or a positive number with an optional "/s". Neither given: the
  /// default rate. Errors name the flag (exit status 2).
  [[nodiscard]] static core::Result<ReplayPacing, core::Failure> parse(
      const std::optional<std::string>& speed, const std::optional<std::string>& rate);

  /// "max", "10000/s", "speed 2", "speed 1, 500/s": for the agent's summary.
  [[nodiscard]] std::string describe() const;
};

class ReplayPacer {
 public:
  using Clock = std::chrono::steady_clock;
  /// The most lag of the rate schedule made up at once (a burst of rate * 2 ms frames).
  static constexpr std::chrono::microseconds kMaxBurst{2000};

  explicit ReplayPacer(ReplayPacing pacing) : pacing_(pacing) {}

  /// When the next frame, captured at `capture_ns` (ns since the epoch), is due, it being
  /// `now`: never before `now`. Each call counts one frame.
  [[nodiscard]] Clock::time_point due(int64_t capture_ns, Clock::time_point now);

 private:
  ReplayPacing pacing_;
  bool started_ = false;
  int64_t first_capture_ns_ = 0;
  Clock::time_point speed_anchor_;  ///< when the first frame went
  Clock::time_point rate_anchor_;   ///< moved forward when the sender falls behind
  uint64_t since_anchor_ = 0;       ///< frames scheduled since rate_anchor_
};

}  // namespace siphon::source
