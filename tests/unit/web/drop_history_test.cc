// Drops by reason over time: each sample's increase goes to the bucket of its time.

#include "web/drop_history.h"

#include <gtest/gtest.h>

#include <atomic>

namespace siphon::web {
namespace {

TEST(DropHistory, IncreasesPerBucketAndReason) {
  std::vector<std::pair<std::string, uint64_t>> now = {{"queue_full", 5}, {"bad_hep", 1}};
  int64_t wall = 1000;
  DropHistory h([&] { return now; }, [&] { return wall; }, std::chrono::hours(1), 4);
  wall = 1010;
  now = {{"queue_full", 8}, {"bad_hep", 1}};
  h.sample();
  wall = 1075;
  now = {{"queue_full", 8}, {"bad_hep", 4}, {"storage_error", 2}};
  h.sample();
  auto s = h.series(960, 60, 3);  // buckets 960, 1020, 1080
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s["queue_full"], (std::vector<int64_t>{3, 0, 0}));  // drops before the first sample are not counted
  EXPECT_EQ(s["bad_hep"], (std::vector<int64_t>{0, 3, 0}));
  EXPECT_EQ(s["storage_error"], (std::vector<int64_t>{0, 2, 0}));
  // Bounded: the oldest samples go (4 kept).
  for (int i = 0; i < 10; ++i) {
    wall += 60;
    h.sample();
  }
  EXPECT_TRUE(h.series(960, 60, 3).empty());
}

}  // namespace
}  // namespace siphon::web
