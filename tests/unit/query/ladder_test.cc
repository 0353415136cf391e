// The ladder model: columns, arrows, deltas, transactions, retransmissions, one arrow per hop.

#include "query/ladder.h"

#include <gtest/gtest.h>

#include "query_fixture.h"

namespace siphon::query {
namespace {

using testing::basicCall;
using testing::Msg;
using testing::sipText;

constexpr int64_t kT0 = 1'700'000'000'000'000;

// A CallResult over records this object owns (what assembleCall would give, without a store).
struct FakeCall {
  std::vector<core::Capture> captures;
  CallResult call;
  explicit FakeCall(const std::vector<Msg>& msgs) {
    for (const auto& m : msgs) captures.push_back(testing::toCapture(m));
    for (size_t i = 0; i < captures.size(); ++i) {
      CallMessage cm;
      cm.meta = captures[i].meta;
      record::parseSip(cm.meta, {}, cm.sip);  // as assembleCall does, once
      cm.node = std::string(cm.meta.node_name);
      auto text = cm.payload();
      auto at = text.find("Call-ID: ");
      cm.callid = std::string(text.substr(at + 9, text.find("\r\n", at) - at - 9));
      auto leg = std::find(call.legs.begin(), call.legs.end(), cm.callid);
      cm.leg = static_cast<size_t>(leg - call.legs.begin());
      if (leg == call.legs.end()) call.legs.push_back(cm.callid);
      call.messages.push_back(std::move(cm));
    }
  }
};

TEST(Ladder, ColumnsArrowsAndDeltas) {
  FakeCall f(basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0));
  auto l = buildLadder(f.call);
  ASSERT_EQ(l.columns.size(), 2u);
  EXPECT_EQ(l.columns[0].address, "10.0.0.1:5060");
  EXPECT_EQ(l.columns[1].address, "10.0.0.2:5060");
  ASSERT_EQ(l.arrows.size(), 7u);
  EXPECT_EQ(l.arrows[0].label, "INVITE");
  EXPECT_TRUE(l.arrows[0].has_sdp);
  EXPECT_EQ(l.arrows[0].from, 0u);
  EXPECT_EQ(l.arrows[0].to, 1u);
  EXPECT_EQ(l.arrows[1].label, "100 Trying");
  EXPECT_EQ(l.arrows[1].from, 1u);
  EXPECT_EQ(l.arrows[1].status, 100);
  EXPECT_EQ(l.arrows[3].cseq, "1 INVITE");
  EXPECT_EQ(l.arrows[6].delta_first_us, 60'000);
  EXPECT_EQ(l.arrows[6].delta_prev_us, 10'000);
  // INVITE+100+180+200, the 2xx ACK alone, BYE+200.
  ASSERT_EQ(l.transactions.size(), 3u);
  EXPECT_EQ(l.transactions[0].arrows.size(), 4u);
  EXPECT_EQ(l.transactions[1].method, "ACK");
  EXPECT_EQ(l.transactions[2].method, "BYE");
  for (const auto& a : l.arrows) EXPECT_FALSE(a.retransmission);
}

TEST(Ladder, NonTwoHundredAckJoinsTheInviteTransaction) {
  std::vector<Msg> v(3);
  v[0].payload = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE");
  v[1].payload = sipText("486 Busy Here", "a@x", "z9hG4bK1", "1 INVITE");
  v[1].src = "10.0.0.2";
  v[1].dst = "10.0.0.1";
  v[2].payload = sipText("ACK", "a@x", "z9hG4bK1", "1 ACK");
  for (size_t i = 0; i < v.size(); ++i) v[i].ts_us = kT0 + static_cast<int64_t>(i);
  FakeCall f(v);
  auto l = buildLadder(f.call);
  ASSERT_EQ(l.transactions.size(), 1u);
  EXPECT_EQ(l.transactions[0].arrows.size(), 3u);
  EXPECT_EQ(l.arrows[1].label, "486 Busy Here");
}

TEST(Ladder, RetransmissionsMarked) {
  auto v = basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0);
  Msg again = v[0];
  again.ts_us += 500'000;  // T1
  Msg ok_again = v[3];
  ok_again.ts_us += 1'000'000;
  v.push_back(again);
  v.push_back(ok_again);
  std::sort(v.begin(), v.end(), [](const Msg& a, const Msg& b) { return a.ts_us < b.ts_us; });
  FakeCall f(v);
  auto l = buildLadder(f.call);
  ASSERT_EQ(l.arrows.size(), 9u);
  size_t retrans = 0;
  for (const auto& a : l.arrows) {
    if (!a.retransmission) continue;
    ++retrans;
    EXPECT_EQ(l.arrows[a.retransmission_of].label, a.label);
    EXPECT_LT(a.retransmission_of, static_cast<size_t>(&a - l.arrows.data()));
  }
  EXPECT_EQ(retrans, 2u);
}

TEST(Ladder, SameMessageAtTwoCapturePointsIsOneArrowPerHop) {
  // A -> proxy -> B; the proxy (core1) and the edge (edge1) both capture hop A -> proxy.
  std::vector<Msg> v(3);
  v[0].payload = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE");
  v[0].src = "10.0.0.1";
  v[0].dst = "10.0.0.2";
  v[0].node = "edge1";
  v[1] = v[0];
  v[1].node = "core1";
  v[1].ts_us += 150;  // the proxy's clock is a little late
  v[2].payload = sipText("INVITE", "a@x", "z9hG4bK2", "1 INVITE");
  v[2].src = "10.0.0.2";
  v[2].dst = "10.0.0.3";
  v[2].node = "core1";
  v[2].ts_us = v[1].ts_us + 1000;
  FakeCall f(v);
  auto l = buildLadder(f.call);
  ASSERT_EQ(l.arrows.size(), 2u);
  EXPECT_EQ(l.arrows[0].capture_points, (std::vector<std::string>{"edge1", "core1"}));
  EXPECT_EQ(l.arrows[0].also_messages, std::vector<size_t>{1});
  EXPECT_EQ(l.arrows[1].from, 1u);
  EXPECT_EQ(l.arrows[1].to, 2u);
  EXPECT_FALSE(l.arrows[1].retransmission);
  // core1 captured every message it saw at 10.0.0.2:5060: that column is labelled core1.
  EXPECT_EQ(l.columns[1].label, "core1");
  EXPECT_EQ(l.columns[0].label, "");  // edge1 saw one message: which end it is, is unknown
}

TEST(Ladder, LegsAndIpv6Columns) {
  auto a = basicCall("a@x", "2001:db8::1", "2001:db8::2", kT0);
  auto b = basicCall("b@x", "2001:db8::2", "2001:db8::3", kT0 + 1);
  a.insert(a.end(), b.begin(), b.end());
  std::stable_sort(a.begin(), a.end(), [](const Msg& x, const Msg& y) { return x.ts_us < y.ts_us; });
  FakeCall f(a);
  auto l = buildLadder(f.call);
  ASSERT_EQ(l.columns.size(), 3u);
  EXPECT_EQ(l.columns[0].address, "[2001:db8::1]:5060");
  EXPECT_EQ(l.legs.size(), 2u);
  EXPECT_EQ(l.arrows[1].leg, 1u);
  EXPECT_EQ(l.transactions.size(), 6u);
}

TEST(Ladder, TextHelpers) {
  EXPECT_EQ(clockText(kT0 + 1'234'567), "22:13:21.234567");
  EXPECT_EQ(deltaText(1'500'000), "+1.500000");
  EXPECT_EQ(deltaText(-20), "-0.000020");
}

}  // namespace
}  // namespace siphon::query
