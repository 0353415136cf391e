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

TEST(BoundedQueue, ByteBoundRefusesHeavyItemsButNeverAnEmptyQueue) {
  BoundedQueue<int> q(100, 1000);
  EXPECT_TRUE(q.tryPush(1, 600));
  EXPECT_FALSE(q.tryPush(2, 500));  // 1100 > 1000
  EXPECT_TRUE(q.tryPush(3, 400));   // exactly 1000
  EXPECT_EQ(q.bytes(), 1000u);
  std::vector<int> out;
  EXPECT_EQ(q.popBatch(out, 1, std::chrono::milliseconds(0)), 1u);
  EXPECT_EQ(q.bytes(), 400u);
  EXPECT_EQ(q.popBatch(out, 1, std::chrono::milliseconds(0)), 1u);
  // An item heavier than the whole budget still passes an empty queue: it is stored, not lost.
  EXPECT_TRUE(q.tryPush(4, 5000));
  EXPECT_FALSE(q.tryPush(5, 1));
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

TEST(BoundedQueue, FillingABatchKeepsEveryItemInOrder) {
  BoundedQueue<int> q(100'000);
  std::vector<int> out;
  std::thread producer([&] {
    for (int i = 0; i < 20'000; ++i) {
      while (!q.tryPush(int{i})) std::this_thread::yield();
    }
  });
  while (out.size() < 20'000) q.popBatchFilling(out, 5'000, std::chrono::milliseconds(50));
  producer.join();
  for (int i = 0; i < 20'000; ++i) ASSERT_EQ(out[static_cast<size_t>(i)], i);
}

// The consumer of a filling batch is woken when its batch is there, not for every item: at
// most twice per popBatchFilling() (its first item, then the full batch); a pause in the
// traffic ends a batch on the consumer's own clock.
TEST(BoundedQueue, AFillingConsumerIsNotWokenForEveryItem) {
  BoundedQueue<int> q(100'000);
  std::vector<int> out;
  size_t calls = 0;
  std::thread consumer([&] {
    while (out.size() < 20'000) {
      q.popBatchFilling(out, 1'000, std::chrono::seconds(60));
      ++calls;
    }
  });
  for (int i = 0; i < 20'000; ++i) ASSERT_TRUE(q.tryPush(int{i}));
  consumer.join();
  for (int i = 0; i < 20'000; ++i) ASSERT_EQ(out[static_cast<size_t>(i)], i);
  EXPECT_LE(q.wakeups(), 2 * calls);
}

// A popBatch() consumer (a sender that must not delay packets) is woken by its first item.
TEST(BoundedQueue, APlainConsumerIsWokenByItsFirstItem) {
  BoundedQueue<int> q(100);
  std::vector<int> out;
  std::thread consumer([&] { q.popBatch(out, 10, std::chrono::seconds(60)); });
  // Whether the consumer is asleep yet or not, one item ends its wait well before 60 s.
  ASSERT_TRUE(q.tryPush(1));
  consumer.join();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_LE(q.wakeups(), 1u);
}

// A batch larger than the queue: the consumer takes what is there once half the queue is
// full, instead of sleeping while producers are refused.
TEST(BoundedQueue, ABatchLargerThanTheQueueIsTakenAtHalfItsCapacity) {
  BoundedQueue<int> q(10);
  std::vector<int> out;
  std::thread consumer([&] {
    while (out.size() < 1'000) q.popBatchFilling(out, 5'000, std::chrono::seconds(60));
  });
  for (int i = 0; i < 1'000; ++i) {
    while (!q.tryPush(int{i})) std::this_thread::yield();
  }
  consumer.join();
  for (int i = 0; i < 1'000; ++i) ASSERT_EQ(out[static_cast<size_t>(i)], i);
}

}  // namespace
}  // namespace siphon::core
