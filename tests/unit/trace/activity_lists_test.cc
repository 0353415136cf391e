// ActivityLists (trace/activity_lists.h): entries expire exactly when idle for their list's
// timeout, a refresh defers that without moving the entry until it reaches the front, a move
// changes its list, ids of erased entries are reused, and growth past a chunk keeps ids valid.

#include "trace/activity_lists.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace siphon::trace {
namespace {

using Lists = ActivityLists<int, 2>;

std::vector<int> expireAll(Lists& lists, size_t list, int64_t age, int64_t now,
                           int64_t* next_due = nullptr) {
  std::vector<int> idle;
  const int64_t due =
      lists.expire(list, age, now, [&](Lists::Entry& e) { idle.push_back(e.value); });
  if (next_due != nullptr) *next_due = due;
  return idle;
}

TEST(ActivityLists, EntriesExpireWhenIdleForTheTimeoutAndARefreshDefersIt) {
  Lists lists;
  const auto a = lists.add(0, 1, 100);
  (void)lists.add(0, 2, 110);
  (void)lists.add(0, 3, 120);
  lists.refresh(a, 150);  // a is still at the front, queued at 100

  int64_t due = 0;
  EXPECT_TRUE(expireAll(lists, 0, 50, 150, &due).empty()) << "nothing idle for more than 50";
  EXPECT_EQ(due, 150);
  // At 165: a's place (100) is due but it was refreshed at 150: it goes to the back; 2 (110)
  // is idle; 3 (120) is not due yet.
  EXPECT_EQ(expireAll(lists, 0, 50, 165, &due), std::vector<int>{2});
  EXPECT_EQ(due, 170) << "3 is the front now";
  EXPECT_EQ(lists.size(), 2u);
  EXPECT_EQ(expireAll(lists, 0, 50, 201), std::vector<int>({3, 1})) << "a idle since 150";
  EXPECT_EQ(lists.size(), 0u);
  EXPECT_TRUE(lists.empty(0));
  EXPECT_EQ(expireAll(lists, 0, 50, 1000, &due), std::vector<int>{});
  EXPECT_EQ(due, INT64_MAX);
}

TEST(ActivityLists, AnOlderMessageDoesNotMoveAnEntryBack) {
  Lists lists;
  const auto a = lists.add(0, 1, 100);
  lists.refresh(a, 90);
  EXPECT_EQ(lists.at(a).last_us, 100);
  EXPECT_TRUE(expireAll(lists, 0, 50, 150).empty());
  EXPECT_EQ(expireAll(lists, 0, 50, 151), std::vector<int>{1});
}

TEST(ActivityLists, AMoveChangesTheListAndKeepsEachListInOrder) {
  Lists lists;
  const auto a = lists.add(0, 1, 100);
  (void)lists.add(0, 2, 200);
  (void)lists.add(1, 3, 300);
  lists.move(a, 1, 250);  // to list 1's back; queued at 300, behind 3, not before it
  EXPECT_EQ(lists.at(a).list, 1);
  EXPECT_EQ(lists.at(a).queued_us, 300);
  EXPECT_EQ(expireAll(lists, 0, 10, 1000), std::vector<int>{2});
  EXPECT_EQ(expireAll(lists, 1, 10, 305), std::vector<int>{}) << "3 is not idle yet";
  EXPECT_EQ(expireAll(lists, 1, 10, 311), std::vector<int>({3, 1}));
  EXPECT_TRUE(lists.empty(0) && lists.empty(1));
  EXPECT_EQ(lists.add(0, 4, 400), a) << "the last slot freed (1, after 3) is used first";
}

TEST(ActivityLists, ErasedIdsAreReusedAndIdsStayValidAcrossChunks) {
  ActivityLists<std::shared_ptr<int>, 1> lists;
  std::vector<uint32_t> ids;
  for (int i = 0; i < 10'000; ++i) ids.push_back(lists.add(0, std::make_shared<int>(i), i));
  EXPECT_GE(lists.capacity(), 10'000u);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(*lists.at(ids[i]).value, i);

  const auto held = std::make_shared<int>(7);
  const auto id = lists.add(0, held, 20'000);
  EXPECT_EQ(held.use_count(), 2);
  lists.erase(id);
  EXPECT_EQ(held.use_count(), 1) << "an erased entry drops what it held at once";
  EXPECT_EQ(lists.add(0, nullptr, 20'001), id) << "the free slot is used first";
  EXPECT_EQ(lists.size(), 10'001u);
}

}  // namespace
}  // namespace siphon::trace
