#include "core/bounded_queue.h"

#include <memory>
#include <thread>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(BoundedQueue, RefusesWhenFullInsteadOfBlocking) {
  BoundedQueue<std::unique_ptr<int>> q(2);
  EXPECT_TRUE(q.tryPush(std::make_unique<int>(1)));
  EXPECT_TRUE(q.tryPush(std::make_unique<int>(2)));
  EXPECT_FALSE(q.tryPush(std::make_unique<int>(3)));
  std::vector<std::unique_ptr<int>> out;
  EXPECT_EQ(q.popBatch(out, 10, std::chrono::milliseconds(0)), 2u);
  EXPECT_EQ(*out[1], 2);
}

TEST(BoundedQueue, CloseWakesConsumerAndDrains) {
  BoundedQueue<int> q(8);
  ASSERT_TRUE(q.tryPush(7));
  std::vector<int> out;
  std::thread consumer([&] {
    while (!q.closedAndEmpty()) q.popBatch(out, 4, std::chrono::seconds(5));
  });
  q.close();
  consumer.join();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(q.tryPush(8));
}

}  // namespace
}  // namespace siphon::core
