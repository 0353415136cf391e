// The session table behind scope b and the tracer's call following (trace/b2b_sessions.h):
// a session lives while something holds its scope, dead entries are reclaimed by the sweep
// (which moves the last entry into each hole: every key must still find its own scope), and
// a table full of live sessions refuses, counted.

#include "trace/b2b_sessions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace siphon::trace {
namespace {

ScopeRef scope(uint32_t rule) {
  auto s = std::make_shared<ScopeData>();
  s->rule = rule;
  return s;
}

TEST(B2bSessions, ASessionLivesAsLongAsItsScopeIsHeld) {
  B2bSessions t(10);
  ScopeRef held = scope(3);
  ASSERT_TRUE(t.open("call-a", held));
  ASSERT_TRUE(t.find("call-a"));
  EXPECT_EQ(t.find("call-a")->rule, 3u);
  EXPECT_FALSE(t.find("call-b"));
  held.reset();
  EXPECT_FALSE(t.find("call-a")) << "its last holder is gone";
  EXPECT_TRUE(t.empty());
}

TEST(B2bSessions, TheSweepReclaimsTheDeadAndEveryLiveKeyKeepsItsScope) {
  B2bSessions t(1000);
  std::vector<ScopeRef> held;
  for (uint32_t i = 0; i < 600; ++i) {
    ScopeRef s = scope(i);
    ASSERT_TRUE(t.open("call-" + std::to_string(i), s));
    if (i % 3 == 0) held.push_back(s);  // a third stay live; the rest end at once
  }
  // Each call sweeps two entries: enough finds to go round the table twice.
  for (int i = 0; i < 1200; ++i) (void)t.find("nobody");
  EXPECT_EQ(t.size(), 200u);
  EXPECT_EQ(t.stats().snapshot().count("ended_session"), 400u);
  for (uint32_t i = 0; i < 600; i += 3) {
    const ScopeRef found = t.find("call-" + std::to_string(i));
    ASSERT_TRUE(found) << i;
    EXPECT_EQ(found->rule, i);
  }
}

TEST(B2bSessions, AFullTableOfLiveSessionsRefusesButReclaimsADeadOneFirst) {
  B2bSessions t(4);
  std::vector<ScopeRef> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(scope(static_cast<uint32_t>(i)));
    ASSERT_TRUE(t.open("live-" + std::to_string(i), held.back()));
  }
  EXPECT_FALSE(t.open("one-more", scope(9)));
  EXPECT_EQ(t.stats().snapshot().count("refused_full"), 1u);
  ASSERT_TRUE(t.open("live-2", held[2])) << "an open session refreshes, full or not";
  held[1].reset();
  ScopeRef late = scope(7);
  EXPECT_TRUE(t.open("late", late)) << "the dead entry made room";
  EXPECT_EQ(t.find("late")->rule, 7u);
  EXPECT_EQ(t.find("live-3")->rule, 3u);
}

}  // namespace
}  // namespace siphon::trace
