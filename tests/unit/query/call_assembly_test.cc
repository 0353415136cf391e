// Call assembly over a real store: legs joined through X-CID, HEP 0x0011 and OpenSIPS 0x0065,
// transitively and in both directions; runaway groups cut; duplicates and hops.

#include "query/call_assembly.h"

#include <gtest/gtest.h>

#include "query/call_request.h"
#include "query/embedded_reader.h"
#include "query/search.h"
#include "query_fixture.h"

namespace siphon::query {
namespace {

using testing::basicCall;
using testing::Msg;
using testing::TempStore;

constexpr int64_t kT0 = 1'700'000'000'000'000;

std::vector<Msg> concat(std::vector<std::vector<Msg>> parts) {
  std::vector<Msg> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

CallResult assemble(TempStore& store, const std::string& call_id, const std::string& correlation = "",
                    size_t max_legs = 64) {
  auto s = std::make_unique<EmbeddedReader>(store.open(), record::CaptureRowOptions{});
  CallQuery q;
  q.call_id = call_id;
  q.correlation = correlation;
  q.max_legs = max_legs;
  auto r = assembleCall(*s, q);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message);
  return r.has_value() ? std::move(*r) : CallResult{};
}

TEST(CallAssembly, B2buaLegsJoinedThroughXcidInBothDirections) {
  TempStore store;
  auto a = basicCall("leg-a@x", "10.0.0.1", "10.0.0.2", kT0);
  auto b = basicCall("leg-b@x", "10.0.0.2", "10.0.0.3", kT0 + 5'000, "X-CID: leg-a@x\r\n");
  auto other = basicCall("other@x", "10.0.0.1", "10.0.0.2", kT0 + 1'000);
  store.write(concat({a, b, other}));

  for (const char* start : {"leg-a@x", "leg-b@x"}) {
    auto call = assemble(store, start);
    EXPECT_EQ(call.messages.size(), 14u) << start;
    ASSERT_EQ(call.legs.size(), 2u) << start;
    EXPECT_FALSE(call.truncated);
    for (size_t i = 1; i < call.messages.size(); ++i) {
      EXPECT_LE(call.messages[i - 1].micros(), call.messages[i].micros());
    }
    for (const auto& m : call.messages) EXPECT_NE(m.callid, "other@x");
  }
  auto call = assemble(store, "leg-a@x");
  EXPECT_EQ(call.legs[0], "leg-a@x");
  EXPECT_EQ(call.legs[1], "leg-b@x");
  EXPECT_EQ(call.messages[1].callid, "leg-b@x");  // B's INVITE at +5 ms
  EXPECT_EQ(call.messages[1].callid_aleg, "leg-a@x");
  EXPECT_EQ(call.messages[1].leg, 1u);
}

TEST(CallAssembly, ConfiguredAlegHeaderList) {
  TempStore store;
  store.write(concat({basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0),
                      basicCall("b@x", "10.0.0.2", "10.0.0.3", kT0, "X-Leg: a@x\r\n")}));
  // With the default X-CID the legs stay apart; with X-Leg configured they join.
  EXPECT_EQ(assemble(store, "a@x").legs.size(), 1u);
  auto s = std::make_unique<EmbeddedReader>(store.open(), record::CaptureRowOptions{});
  CallQuery q;
  q.call_id = "a@x";
  record::CaptureRowOptions row;
  row.fields.callid_aleg_headers = {"X-CID", "X-Leg"};
  auto r = assembleCall(*s, q, row);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->legs.size(), 2u);
  EXPECT_EQ(r->messages.size(), 14u);
}

TEST(CallAssembly, LegsJoinedThroughHepCorrelationId) {
  TempStore store;
  auto a = basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0);
  auto b = basicCall("b@x", "10.0.0.2", "10.0.0.3", kT0 + 1);
  for (auto& m : b) m.correlation = "a@x";  // Kamailio sip_trace(..., "a@x")
  store.write(concat({a, b}));
  EXPECT_EQ(assemble(store, "a@x").messages.size(), 14u);
  EXPECT_EQ(assemble(store, "b@x").messages.size(), 14u);
  EXPECT_EQ(assemble(store, "", "a@x").messages.size(), 14u);
}

TEST(CallAssembly, LegsJoinedThroughOpensipsExtraCorrelation) {
  TempStore store;
  auto a = basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0);
  auto b = basicCall("b@x", "10.0.0.2", "10.0.0.3", kT0 + 1);
  auto c = basicCall("c@x", "10.0.0.4", "10.0.0.2", kT0 + 2);
  a[0].extra = "{\n\t\"net\":\t\"conn-1\",\n\t\"b2b\":\t\"key-1\"\n}";
  b[0].extra = "{\"b2b\": \"key-1\"}";
  c[0].extra = "{\"net\": \"conn-1\"}";  // same connection only: not the same call
  store.write(concat({a, b, c}));
  auto call = assemble(store, "a@x");
  EXPECT_EQ(call.legs.size(), 2u);
  EXPECT_EQ(call.messages.size(), 14u);
  auto by_key = assemble(store, "", "key-1");
  EXPECT_EQ(by_key.messages.size(), 14u);
  EXPECT_EQ(assemble(store, "c@x").messages.size(), 7u);
}

TEST(CallAssembly, TransitiveThreeLegs) {
  TempStore store;
  auto a = basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0);
  auto b = basicCall("b@x", "10.0.0.2", "10.0.0.3", kT0 + 1, "X-CID: a@x\r\n");
  auto c = basicCall("c@x", "10.0.0.3", "10.0.0.4", kT0 + 2);
  for (auto& m : c) m.correlation = "b@x";
  store.write(concat({a, b, c}));
  for (const char* start : {"a@x", "b@x", "c@x"}) {
    auto call = assemble(store, start);
    EXPECT_EQ(call.legs.size(), 3u) << start;
    EXPECT_EQ(call.messages.size(), 21u) << start;
  }
}

TEST(CallAssembly, RunawayGroupIsCutAndSaysSo) {
  TempStore store;
  std::vector<std::vector<Msg>> calls;
  for (int i = 0; i < 20; ++i) {
    auto c = basicCall("run-" + std::to_string(i) + "@x", "10.0.0.1", "10.0.0.2", kT0 + i * 100'000);
    for (auto& m : c) m.correlation = "test-session-1";
    calls.push_back(std::move(c));
  }
  store.write(concat(calls));
  auto call = assemble(store, "run-3@x", "", 5);
  EXPECT_TRUE(call.truncated);
  EXPECT_EQ(call.legs.size(), 5u);
  EXPECT_EQ(call.messages.size(), 35u);
  EXPECT_NE(call.truncated_reason.find("legs"), std::string::npos);

  auto s = std::make_unique<EmbeddedReader>(store.open(), record::CaptureRowOptions{});
  CallQuery q;
  q.correlation = "test-session-1";
  q.max_messages = 30;
  auto r = assembleCall(*s, q);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->messages.size(), 30u);
  q.max_messages = 140;  // exactly all: not truncated
  r = assembleCall(*s, q);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->truncated);
  EXPECT_EQ(r->messages.size(), 140u);
}

TEST(CallAssembly, DuplicatesAtOneCapturePointDroppedHopsKept) {
  TempStore store;
  auto a = basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0);
  auto dup = a[0];
  dup.ts_us += 3;  // the same HEP packet stored twice
  auto other_node = a[0];
  other_node.node = "core1";
  other_node.ts_us += 40;
  auto retrans = a[0];
  retrans.ts_us += 500'000;  // T1 later: a retransmission, kept
  store.write(concat({a, {dup, other_node, retrans}}));
  auto call = assemble(store, "a@x");
  EXPECT_EQ(call.duplicates, 1u);
  EXPECT_EQ(call.messages.size(), 9u);
}

TEST(CallAssembly, TimeWindowAndUnknownIds) {
  TempStore store;
  store.write(concat({basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0)}));
  auto s = std::make_unique<EmbeddedReader>(store.open(), record::CaptureRowOptions{});
  CallQuery q;
  q.call_id = "a@x";
  q.since = kT0 + 25'000;  // from the 200 OK on
  auto r = assembleCall(*s, q);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->messages.size(), 4u);
  q.call_id = "nope@x";
  q.since = 0;
  r = assembleCall(*s, q);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->messages.empty());
  q.call_id.clear();
  r = assembleCall(*s, q);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
}

TEST(CallRequest, UrlsTimesAndNothingFound) {
  TempStore store;
  store.write(concat({basicCall("a@x", "10.0.0.1", "10.0.0.2", kT0)}));
  CallRequest req;
  req.db_url = "sqlite:" + store.path();
  req.query.call_id = "a@x";
  auto r = loadCall(req, kT0);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->messages.size(), 7u);
  req.query.call_id = "nope@x";
  r = loadCall(req, kT0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 1);
  EXPECT_NE(r.error().message.find("no message found with Call-ID 'nope@x'"), std::string::npos);
  req.since = "yesterday";
  r = loadCall(req, kT0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
  req.since.clear();
  req.db_url = "redis://127.0.0.1:1/x";  // not a store
  r = loadCall(req, kT0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
  req.db_url = "postgres://nobody@127.0.0.1:1/x";  // a reader that cannot connect
  r = loadCall(req, kT0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 1);
  EXPECT_NE(r.error().message.find("--db postgres://nobody@127.0.0.1:1/x"), std::string::npos);
}

}  // namespace
}  // namespace siphon::query
