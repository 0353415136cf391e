// The progress bar: silent unless enabled (stderr a terminal), throttled, cleared at the end.

#include "core/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "support/fake_clock.h"

namespace siphon::core {
namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressBar, LineShowsShareRateAndTimeLeft) {
  support::FakeClock clock;
  ProgressBar bar("reading x.pcap", 2'000'000'000, ProgressUnit::Bytes, false, stderr, clock);
  EXPECT_EQ(bar.line(500'000'000, 10.0),
            "reading x.pcap [#####...............]   25%  500.0 MB of 2.0 GB  50.0 MB/s  ETA 0:30");
  ProgressBar items("filling", 10'000'000, ProgressUnit::Items, false, stderr, clock);
  EXPECT_EQ(items.line(2'500'000, 25.0),
            "filling [#####...............]   25%  2.5M of 10.0M  100k messages/s  ETA 1:15");
  ProgressBar unknown("exporting", 0, ProgressUnit::Items, false, stderr, clock);
  EXPECT_EQ(unknown.line(1500, 3.0), "exporting  1500  500 messages/s");
}

TEST(ProgressBar, QuietWhenNotATerminal) {
  support::FakeClock clock;
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("x", 100, ProgressUnit::Items, /*enabled=*/false, f, clock);
    for (int i = 0; i <= 100; ++i) {
      clock.advance(std::chrono::milliseconds(200));
      bar.update(static_cast<uint64_t>(i));
    }
  }
  EXPECT_EQ(contents(f), "");
  std::fclose(f);
}

TEST(ProgressBar, ThrottledAndClearedAtTheEnd) {
  support::FakeClock clock;
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar("x", 1000, ProgressUnit::Items, /*enabled=*/true, f, clock);
  for (int i = 0; i < 1000; ++i) {
    clock.advance(std::chrono::milliseconds(1));  // 1 s in all: 10 drawings at most
    bar.update(static_cast<uint64_t>(i));
  }
  bar.finish();
  bar.finish();  // once
  const std::string out = contents(f);
  size_t draws = 0;
  for (size_t p = out.find("\r"); p != std::string::npos; p = out.find("\r", p + 1)) ++draws;
  EXPECT_GE(draws, 10u);  // 10 drawings and the final clear
  EXPECT_LE(draws, 12u);
  EXPECT_TRUE(out.ends_with("\r\x1b[K"));
  std::fclose(f);
}

}  // namespace
}  // namespace siphon::core
