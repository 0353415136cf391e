// ReplayPacer: the schedule of a pcap replay, checked on computed times (no clock, no sleep).

#include "source/replay_pacer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace siphon::source {
namespace {

using Clock = ReplayPacer::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr int64_t kSec = 1'000'000'000;
const Clock::time_point kT0{std::chrono::hours(1)};

ReplayPacing pacing(std::optional<std::string> speed, std::optional<std::string> rate) {
  auto p = ReplayPacing::parse(speed, rate);
  EXPECT_TRUE(p.has_value()) << p.error().message;
  return p ? *p : ReplayPacing{};
}

TEST(ReplayPacing, ParsesTheFlagsAndDefaultsToTheRate) {
  const auto def = pacing(std::nullopt, std::nullopt);
  EXPECT_FALSE(def.speed);
  EXPECT_EQ(def.rate, ReplayPacing::kDefaultRate);
  EXPECT_EQ(def.describe(), "10000/s");
  EXPECT_FALSE(pacing("max", std::nullopt).paced());
  EXPECT_EQ(pacing("max", std::nullopt).describe(), "max");
  EXPECT_EQ(pacing("1", std::nullopt).speed, 1.0);
  EXPECT_FALSE(pacing("1", std::nullopt).rate) << "a speed alone: no rate limit";
  EXPECT_EQ(pacing("0.5", std::nullopt).speed, 0.5);
  EXPECT_EQ(pacing(std::nullopt, "5000/s").rate, 5000.0);
  EXPECT_EQ(pacing(std::nullopt, "250").rate, 250.0);
  EXPECT_FALSE(pacing(std::nullopt, "max").paced());
  EXPECT_EQ(pacing("2", "500/s").describe(), "speed 2, 500/s");
  for (const char* bad : {"0", "-1", "fast", "", "1x", "inf", "nan"}) {
    auto s = ReplayPacing::parse(std::string(bad), std::nullopt);
    ASSERT_FALSE(s.has_value()) << bad;
    EXPECT_EQ(s.error().exit_code, 2);
    EXPECT_NE(s.error().message.find("--replay-speed"), std::string::npos);
    auto r = ReplayPacing::parse(std::nullopt, std::string(bad));
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message.find("--rate"), std::string::npos);
  }
  EXPECT_FALSE(ReplayPacing::parse(std::nullopt, std::string("5/m")).has_value());
}

TEST(ReplayPacer, SpeedFollowsTheCaptureTimesDividedByTheMultiplier) {
  ReplayPacer pacer(pacing("2", std::nullopt));
  const int64_t first = 1'700'000'000 * kSec;
  EXPECT_EQ(pacer.due(first, kT0), kT0);
  // 1 s later in the capture: 0.5 s later at speed 2, whenever the caller asks.
  EXPECT_EQ(pacer.due(first + kSec, kT0 + milliseconds(1)), kT0 + milliseconds(500));
  EXPECT_EQ(pacer.due(first + 3 * kSec, kT0 + milliseconds(900)), kT0 + milliseconds(1500));
  // Time running backwards (merged captures): due at once, and the schedule stays.
  EXPECT_EQ(pacer.due(first - kSec, kT0 + milliseconds(1600)), kT0 + milliseconds(1600));
  EXPECT_EQ(pacer.due(first + 4 * kSec, kT0 + milliseconds(1600)), kT0 + milliseconds(2000));
}

TEST(ReplayPacer, RateSpacesFramesEvenlyWhateverTheirTimes) {
  ReplayPacer pacer(pacing(std::nullopt, "1000/s"));
  Clock::time_point now = kT0;
  for (int i = 0; i < 5; ++i) {
    const auto due = pacer.due(int64_t{42} * kSec, now);  // all captured at the same instant
    EXPECT_EQ(due, kT0 + milliseconds(i)) << i;
    now = due;  // the caller slept until then
  }
}

TEST(ReplayPacer, FallingBehindTheRateDoesNotBurstTheBacklog) {
  ReplayPacer pacer(pacing(std::nullopt, "1000/s"));
  EXPECT_EQ(pacer.due(0, kT0), kT0);
  // Descheduled for 50 ms: the 50 frames that were due are not sent back to back; the
  // schedule starts again from now, one frame per millisecond.
  const auto late = kT0 + milliseconds(51);
  EXPECT_EQ(pacer.due(0, late), late);
  EXPECT_EQ(pacer.due(0, late), late + milliseconds(1));
  EXPECT_EQ(pacer.due(0, late), late + milliseconds(2));
  // A lag within kMaxBurst is made up (the average rate holds against small oversleeps): the
  // frame after one sent 0.5 ms late keeps its slot.
  const auto slightly = late + milliseconds(3) + microseconds(500);
  EXPECT_EQ(pacer.due(0, slightly), slightly);
  EXPECT_EQ(pacer.due(0, slightly), late + milliseconds(4));
}

TEST(ReplayPacer, BothTakeTheLaterTime) {
  ReplayPacer pacer(pacing("1", "2/s"));
  EXPECT_EQ(pacer.due(0, kT0), kT0);
  // Captured 100 ms later, but the rate allows one frame per 500 ms.
  EXPECT_EQ(pacer.due(100'000'000, kT0), kT0 + milliseconds(500));
  // Captured 2 s in: the capture's timing is the later one.
  EXPECT_EQ(pacer.due(2 * kSec, kT0 + milliseconds(500)), kT0 + milliseconds(2000));
}

}  // namespace
}  // namespace siphon::source
