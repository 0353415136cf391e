// TailHub's lifecycle: stop() ends every viewer's wait, and awaitViewersGone() holds the HTTP
// server's stop until each stream has ended (its unsubscribe).

#include "web/tail_hub.h"

#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/records.h"

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

// The collector parses for its embedded store only the fields the store reads
// (FieldSet::Store); a viewer filters on and sees every column all the same.
TEST(TailHub, AStoreParsedRecordIsShownWithEveryColumn) {
  const std::string invite =
      "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-t1\r\n"
      "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
      "Call-ID: tail-1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@10.0.0.1:5062>\r\n"
      "Mac: 00:11:22:33:44:55\r\nContent-Length: 0\r\n\r\n";
  support::RecordMaker maker({}, {}, sip::FieldSet::Store);
  const record::RecordPtr r = maker.make(invite);
  ASSERT_EQ(r->sip.set, sip::FieldSet::Store);
  ASSERT_EQ(r->sip.fields.contact_user, "") << "the store does not read it";

  TailHub hub(record::CaptureRowOptions{});
  query::SearchQuery filter;
  filter.custom_field1 = "00:11:22:33:44:55";  // the Mac header: not in the Store set
  auto viewer = hub.subscribe(filter);
  ASSERT_NE(viewer, nullptr);
  hub.observe(std::span<const record::RecordPtr>(&r, 1));
  std::vector<std::shared_ptr<const std::string>> events;
  for (int i = 0; i < 100 && events.empty(); ++i) (void)viewer->next(events, milliseconds(100));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0]->find("\"contact_user\":\"alice\""), std::string::npos) << *events[0];
  EXPECT_NE(events[0]->find("z9hG4bK-t1"), std::string::npos) << *events[0];
  hub.stop();
  hub.unsubscribe(viewer);
}

TEST(TailHub, AwaitViewersGoneWithNoViewerReturnsAtOnce) {
  TailHub hub(record::CaptureRowOptions{});
  hub.stop();
  EXPECT_TRUE(hub.awaitViewersGone(milliseconds(0)));
}

}  // namespace
}  // namespace siphon::web
