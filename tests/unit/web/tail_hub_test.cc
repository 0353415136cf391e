// TailHub's lifecycle: stop() ends every viewer's wait, and awaitViewersGone() holds the HTTP
// server's stop until each stream has ended (its unsubscribe).

#include "web/tail_hub.h"

#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace siphon::web {
namespace {

using std::chrono::milliseconds;

TEST(TailHub, StopEndsAViewersWait) {
  TailHub hub(record::CaptureRowOptions{});
  auto viewer = hub.subscribe({});
  ASSERT_NE(viewer, nullptr);
  std::vector<std::shared_ptr<const std::string>> events;
  EXPECT_TRUE(viewer->next(events, milliseconds(1)));  // open: nothing yet
  hub.stop();
  EXPECT_FALSE(viewer->next(events, milliseconds(1000)));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(hub.subscribe({}), nullptr);  // a stopped hub takes no new viewer
}

TEST(TailHub, AwaitViewersGoneWaitsForTheLastUnsubscribe) {
  TailHub hub(record::CaptureRowOptions{});
  auto first = hub.subscribe({});
  auto second = hub.subscribe({});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  hub.stop();
  EXPECT_FALSE(hub.awaitViewersGone(milliseconds(20)));  // both streams still open
  hub.unsubscribe(first);
  std::thread last([&] {
    std::this_thread::sleep_for(milliseconds(50));
    hub.unsubscribe(second);
  });
  EXPECT_TRUE(hub.awaitViewersGone(milliseconds(10'000)));
  last.join();
  EXPECT_EQ(hub.viewers(), 0u);
}

TEST(TailHub, AwaitViewersGoneWithNoViewerReturnsAtOnce) {
  TailHub hub(record::CaptureRowOptions{});
  hub.stop();
  EXPECT_TRUE(hub.awaitViewersGone(milliseconds(0)));
}

}  // namespace
}  // namespace siphon::web
