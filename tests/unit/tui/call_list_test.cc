// The call list of siphon tui: messages grouped by Call-ID, newest call first, with sngrep's
// states.

#include "tui/call_list.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "record/parsed_sip.h"

namespace siphon::tui {
namespace {

class Calls {
 public:
  // A request or reply of `callid` at `t` (ms); `first` is "INVITE" or "180 Ringing".
  void add(const std::string& callid, int t_ms, const std::string& first, const std::string& cseq_method = "INVITE") {
    const bool reply = first[0] >= '1' && first[0] <= '6';
    std::string s = reply ? "SIP/2.0 " + first + "\r\n" : first + " sip:bob@example.com SIP/2.0\r\n";
    s += "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK" + callid + "\r\nFrom: <sip:alice@example.com>;tag=a\r\n"
         "To: <sip:bob@example.com>\r\nCall-ID: " + callid + "\r\nCSeq: 1 " + cseq_method + "\r\nContent-Length: 0\r\n\r\n";
    texts_.push_back(std::move(s));
    query::Found f;
    f.meta.ts_sec = 1'700'000'000 + static_cast<uint32_t>(t_ms / 1000);
    f.meta.ts_usec = static_cast<uint32_t>(t_ms % 1000) * 1000;
    f.meta.payload_type = 1;
    f.meta.payload = core::asBytes(texts_.back());
    record::parseSip(f.meta, {}, f.sip);
    found_.push_back(std::move(f));
  }
  std::vector<CallRow> rows() const { return groupCalls(found_); }
  /// The records added so far, each with its own record index (the store's key).
  std::vector<query::Found> records() const {
    std::vector<query::Found> out = found_;
    for (size_t i = 0; i < out.size(); ++i) out[i].record_index = i;
    return out;
  }

 private:
  std::deque<std::string> texts_;  // stable addresses: the records view them
  std::vector<query::Found> found_;
};

const CallRow& row(const std::vector<CallRow>& rows, const std::string& callid) {
  for (const auto& r : rows) {
    if (r.callid == callid) return r;
  }
  static const CallRow none;
  ADD_FAILURE() << "no row " << callid;
  return none;
}

TEST(CallList, StatesOfInviteCalls) {
  Calls c;
  c.add("setup", 0, "INVITE");
  c.add("setup", 1, "100 Trying");
  c.add("ring", 0, "INVITE");
  c.add("ring", 5, "180 Ringing");
  c.add("talk", 0, "INVITE");
  c.add("talk", 5, "200 OK");
  c.add("done", 0, "INVITE");
  c.add("done", 5, "200 OK");
  c.add("done", 6, "ACK", "ACK");
  c.add("done", 9, "BYE", "BYE");
  c.add("done", 10, "200 OK", "BYE");
  c.add("busy", 0, "INVITE");
  c.add("busy", 5, "486 Busy Here");
  c.add("gone", 0, "INVITE");
  c.add("gone", 3, "CANCEL", "CANCEL");
  c.add("gone", 4, "200 OK", "CANCEL");
  c.add("gone", 5, "487 Request Terminated");
  c.add("reg", 0, "REGISTER", "REGISTER");
  c.add("reg", 1, "401 Unauthorized", "REGISTER");
  const auto rows = c.rows();
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(row(rows, "setup").state, "CALL SETUP");
  EXPECT_EQ(row(rows, "ring").state, "RINGING");
  EXPECT_EQ(row(rows, "talk").state, "IN CALL");
  EXPECT_EQ(row(rows, "done").state, "COMPLETED");
  EXPECT_EQ(row(rows, "done").messages, 5u);
  EXPECT_EQ(row(rows, "busy").state, "REJECTED 486");
  EXPECT_EQ(row(rows, "gone").state, "CANCELLED");  // the 200 to CANCEL does not answer the call
  EXPECT_EQ(row(rows, "reg").state, "401");
  EXPECT_EQ(row(rows, "reg").method, "REGISTER");
  EXPECT_EQ(row(rows, "done").from, "alice");
  EXPECT_EQ(row(rows, "done").to, "bob");
}

TEST(CallList, NewestFirstAndFiltered) {
  Calls c;
  c.add("old@x", 0, "INVITE");
  c.add("new@x", 5000, "OPTIONS", "OPTIONS");
  c.add("old@x", 9000, "BYE", "BYE");  // a late message does not make a call newer
  const auto rows = c.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].callid, "new@x");
  EXPECT_EQ(rows[1].callid, "old@x");
  EXPECT_EQ(filterRows(rows, "").size(), 2u);
  EXPECT_EQ(filterRows(rows, "OLD@").size(), 1u);
  EXPECT_EQ(filterRows(rows, "options").size(), 1u);
  EXPECT_TRUE(filterRows(rows, "nothing").empty());
}

// A refresh reads again from the newest time the list has: the records of that time it has
// added are not counted twice, the new ones are; calls that left the window are forgotten.
TEST(CallList, RefreshesAddOnlyWhatIsNew) {
  Calls c;
  c.add("old", 0, "INVITE");
  c.add("a", 1000, "INVITE");
  c.add("a", 2000, "180 Ringing");
  CallList list;
  auto first = c.records();
  list.add(first);
  EXPECT_EQ(list.newestMicros(), 1'700'000'002'000'000);
  c.add("b", 2000, "INVITE");  // stored at the same time as the newest, after the first read
  c.add("a", 3000, "200 OK");
  auto all = c.records();
  // The refresh's read from the newest time: the 180 again, the new INVITE and 200.
  list.add(std::span(all).subspan(2));
  auto rows = list.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(row(rows, "a").messages, 3u);
  EXPECT_EQ(row(rows, "a").state, "IN CALL");
  EXPECT_EQ(row(rows, "b").messages, 1u);
  list.add(all);  // everything again: nothing changes
  EXPECT_EQ(row(list.rows(), "a").messages, 3u);
  list.forgetBefore(1'700'000'001'000'000);
  rows = list.rows();
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].callid, "b");
}

}  // namespace
}  // namespace siphon::tui
