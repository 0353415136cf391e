#include "source/replay_pacer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace siphon::source {
namespace {

// A positive finite decimal ("2", "0.5", "10000"), or nullopt.
std::optional<double> positive(std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v <= 0) {
    return std::nullopt;
  }
  return v;
}

core::Failure usage(std::string message) { return core::Failure{std::move(message), 2}; }

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(s * 1e9)));
}

}  // namespace

core::Result<ReplayPacing, core::Failure> ReplayPacing::parse(
    const std::optional<std::string>& speed, const std::optional<std::string>& rate) {
  ReplayPacing p;
  if (!speed && !rate) {
    p.rate = kDefaultRate;
    return p;
  }
  if (speed && *speed != "max") {
    p.speed = positive(*speed);
    if (!p.speed) {
      return core::unexpected(usage(fmt::format(
          "--replay-speed {}: want max or a positive multiplier (1 is the original timing)",
          *speed)));
    }
  }
  if (rate && *rate != "max") {
    std::string_view text = *rate;
    if (text.ends_with("/s")) text.remove_suffix(2);
    p.rate = positive(text);
    if (!p.rate) {
      return core::unexpected(
          usage(fmt::format("--rate {}: want max or frames per second, as 5000 or 5000/s", *rate)));
    }
  }
  return p;
}

std::string ReplayPacing::describe() const {
  if (!paced()) return "max";
  std::string out;
  if (speed) out = fmt::format("speed {:g}", *speed);
  if (rate) out += fmt::format("{}{:g}/s", out.empty() ? "" : ", ", *rate);
  return out;
}

ReplayPacer::Clock::time_point ReplayPacer::due(int64_t capture_ns, Clock::time_point now) {
  if (!started_) {
    started_ = true;
    first_capture_ns_ = capture_ns;
    speed_anchor_ = rate_anchor_ = now;
  }
  Clock::time_point at = now;
  if (pacing_.speed) {
    const int64_t offset_ns = std::max<int64_t>(0, capture_ns - first_capture_ns_);
    at = std::max(now, speed_anchor_ + std::chrono::duration_cast<Clock::duration>(seconds(
                                           static_cast<double>(offset_ns) / 1e9 / *pacing_.speed)));
  }
  if (pacing_.rate) {
    auto slot = rate_anchor_ + std::chrono::duration_cast<Clock::duration>(
                                   seconds(static_cast<double>(since_anchor_) / *pacing_.rate));
    if (now - slot > kMaxBurst) {  // fallen behind: start again from here, no burst
      rate_anchor_ = slot = now;
      since_anchor_ = 0;
    }
    ++since_anchor_;
    at = std::max(at, slot);
  }
  return at;
}

}  // namespace siphon::source
