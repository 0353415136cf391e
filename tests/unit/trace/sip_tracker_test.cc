// The passive transaction/dialog state (trace/sip_tracker.h) on the messages a proxy in the
// middle of a call shows: both sides of each request and reply, retransmissions, CANCEL, the
// ACK of a failure (its transaction's) against the ACK of a 2xx (the dialog's), in-dialog
// requests both ways, forks, RFC 2543 branches, the timers, and a full table.

#include "trace/sip_tracker.h"

#include <gtest/gtest.h>

namespace siphon::trace {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSecond;

TrackedMessage request(std::string_view method, uint32_t cseq, std::string_view branch,
                       std::string_view from_tag = "caller", std::string_view to_tag = "",
                       std::string_view call_id = "call-1") {
  TrackedMessage m;
  m.call_id = call_id;
  m.from_tag = from_tag;
  m.to_tag = to_tag;
  m.method = method;
  m.cseq = cseq;
  m.top_branch = branch;
  return m;
}

TrackedMessage reply(uint16_t status, std::string_view cseq_method, uint32_t cseq,
                     std::string_view branch, std::string_view to_tag = "callee",
                     std::string_view from_tag = "caller", std::string_view call_id = "call-1") {
  TrackedMessage m = request(cseq_method, cseq, branch, from_tag, to_tag, call_id);
  m.status = status;
  return m;
}

ScopeRef scope(uint32_t rule, std::string correlation = "") {
  auto s = std::make_shared<ScopeData>();
  s->rule = rule;
  s->correlation = std::move(correlation);
  return s;
}

TEST(SipTracker, TransactionScopeHoldsBothSidesCancelAndTheNegativeAck) {
  SipTracker t;
  const auto invite = request("INVITE", 1, "z9hG4bKuac1");
  ASSERT_TRUE(t.openTransaction(invite, scope(3, "corr"), kT0));
  int64_t now = kT0;
  auto held = [&](const TrackedMessage& m) {
    now += 1000;
    auto s = t.observe(m, now);
    return s != nullptr && s->rule == 3 && s->correlation == "corr";
  };
  EXPECT_TRUE(held(invite)) << "a retransmission";
  EXPECT_TRUE(held(request("INVITE", 1, "z9hG4bKproxy1"))) << "the copy the proxy relayed";
  EXPECT_TRUE(held(reply(100, "INVITE", 1, "z9hG4bKuac1", "")));
  EXPECT_TRUE(held(reply(180, "INVITE", 1, "z9hG4bKproxy1", "fork-a")));
  EXPECT_TRUE(held(reply(180, "INVITE", 1, "z9hG4bKproxy1", "fork-b"))) << "another fork";
  EXPECT_TRUE(held(request("CANCEL", 1, "z9hG4bKuac1")));
  EXPECT_TRUE(held(reply(200, "CANCEL", 1, "z9hG4bKuac1", "")));
  EXPECT_TRUE(held(reply(487, "INVITE", 1, "z9hG4bKproxy1", "fork-a")));
  EXPECT_TRUE(held(request("ACK", 1, "z9hG4bKproxy1", "caller", "fork-a"))) << "hop-by-hop ACK";
  EXPECT_TRUE(held(reply(487, "INVITE", 1, "z9hG4bKuac1", "fork-a")));
  EXPECT_TRUE(held(request("ACK", 1, "z9hG4bKuac1", "caller", "fork-a")));
  // Not this transaction: another CSeq, another call, a request of the callee's CSeq space.
  EXPECT_FALSE(held(request("INVITE", 2, "z9hG4bKuac2")));
  EXPECT_FALSE(held(request("INVITE", 1, "z9hG4bKuac1", "caller", "", "call-2")));
  EXPECT_FALSE(held(request("INVITE", 1, "z9hG4bKuas1", "callee", "caller")));
  EXPECT_EQ(t.stats().snapshot().count("held"), 11u);
}

// The form that lends the scope to a visitor under the lock: the same scope as the copy, the
// visitor not called when nothing holds the message, and no reference taken.
TEST(SipTracker, ObserveLendsTheScopeWithoutACopy) {
  SipTracker t;
  const ScopeRef opened = scope(7, "lent");
  const auto invite = request("INVITE", 1, "z9hG4bKuac1");
  ASSERT_TRUE(t.openDialog(invite, opened, kT0));
  const long owners = opened.use_count();
  int visits = 0;
  EXPECT_TRUE(t.observe(reply(180, "INVITE", 1, "z9hG4bKuac1"), kT0 + 1, [&](const ScopeRef& s) {
    ++visits;
    EXPECT_EQ(s.get(), opened.get());
    EXPECT_EQ(s.use_count(), owners);
  }));
  EXPECT_FALSE(t.observe(request("INVITE", 1, "z9hG4bKx", "other", "", "call-9"), kT0 + 2,
                         [&](const ScopeRef&) { ++visits; }));
  EXPECT_EQ(visits, 1);
  EXPECT_EQ(t.observe(reply(200, "INVITE", 1, "z9hG4bKuac1"), kT0 + 3), opened);
  EXPECT_EQ(t.stats().snapshot().count("held"), 2u);
}

TEST(SipTracker, TheAckOfA2xxIsNotTheTransactionsButTheDialogs) {
  SipTracker txn_only;
  const auto invite = request("INVITE", 1, "z9hG4bKuac1");
  ASSERT_TRUE(txn_only.openTransaction(invite, scope(1), kT0));
  EXPECT_TRUE(txn_only.observe(reply(200, "INVITE", 1, "z9hG4bKuac1"), kT0 + 1));
  EXPECT_FALSE(txn_only.observe(request("ACK", 1, "z9hG4bKnew", "caller", "callee"), kT0 + 2));

  SipTracker dialog;
  ASSERT_TRUE(dialog.openDialog(invite, scope(2), kT0));
  EXPECT_TRUE(dialog.observe(reply(200, "INVITE", 1, "z9hG4bKuac1"), kT0 + 1));
  EXPECT_TRUE(dialog.observe(request("ACK", 1, "z9hG4bKnew", "caller", "callee"), kT0 + 2));
  // In-dialog requests both ways, the callee's with the tags the other way round.
  EXPECT_TRUE(dialog.observe(request("INFO", 2, "z9hG4bKi", "caller", "callee"), kT0 + 3));
  EXPECT_TRUE(dialog.observe(request("BYE", 1, "z9hG4bKb", "callee", "caller"), kT0 + 4));
  EXPECT_TRUE(dialog.observe(reply(200, "BYE", 1, "z9hG4bKb", "caller", "callee"), kT0 + 5));
  // Ended: its retransmissions are still held during the linger, then it is gone.
  EXPECT_TRUE(
      dialog.observe(reply(200, "BYE", 1, "z9hG4bKb", "caller", "callee"), kT0 + 10 * kSecond));
  EXPECT_FALSE(
      dialog.observe(request("BYE", 1, "z9hG4bKb", "callee", "caller"), kT0 + 60 * kSecond));
  EXPECT_EQ(dialog.dialogs(), 0u);
  EXPECT_EQ(dialog.stats().snapshot().count("ended_dialog"), 1u);
}

TEST(SipTracker, Rfc2543BranchesUseTheFinalStatusForTheAck) {
  SipTracker t;
  const auto invite = request("INVITE", 5, "0");  // the corpus's branch=0
  ASSERT_TRUE(t.openTransaction(invite, scope(1), kT0));
  EXPECT_TRUE(t.observe(reply(486, "INVITE", 5, "0"), kT0 + 1));
  EXPECT_TRUE(t.observe(request("ACK", 5, "0", "caller", "callee"), kT0 + 2));

  SipTracker ok;
  ASSERT_TRUE(ok.openTransaction(invite, scope(1), kT0));
  EXPECT_TRUE(ok.observe(reply(200, "INVITE", 5, ""), kT0 + 1));
  EXPECT_FALSE(ok.observe(request("ACK", 5, "", "caller", "callee"), kT0 + 2));
}

TEST(SipTracker, TimersExpireEachListOnTheCaptureClock) {
  SipTracker t;
  ASSERT_TRUE(t.openTransaction(request("OPTIONS", 1, "z9hG4bKo"), scope(1), kT0));
  ASSERT_TRUE(t.openDialog(request("INVITE", 1, "z9hG4bKe", "early"), scope(1), kT0));
  ASSERT_TRUE(t.openDialog(request("INVITE", 1, "z9hG4bKc", "talk"), scope(1), kT0));
  EXPECT_TRUE(t.observe(reply(200, "INVITE", 1, "z9hG4bKc", "callee", "talk"), kT0));
  EXPECT_FALSE(t.observe(request("OPTIONS", 2, "z9hG4bKx", "nobody"), kT0 + 33 * kSecond));
  EXPECT_EQ(t.transactions(), 0u) << "Timer F: 32 s";
  EXPECT_EQ(t.dialogs(), 2u);
  EXPECT_FALSE(t.observe(request("OPTIONS", 2, "z9hG4bKx", "nobody"), kT0 + 181 * kSecond));
  EXPECT_EQ(t.dialogs(), 1u) << "an early dialog lives 180 s without a final reply";
  EXPECT_TRUE(t.observe(request("INFO", 2, "z9hG4bKi", "talk", "callee"), kT0 + 3600 * kSecond));
  EXPECT_FALSE(t.observe(request("OPTIONS", 2, "z9hG4bKx", "nobody"), kT0 + 50000 * kSecond));
  EXPECT_EQ(t.dialogs(), 0u) << "idle for dialog_timeout";
  auto s = t.stats().snapshot();
  EXPECT_EQ(s.count("expired_transaction"), 1u);
  EXPECT_EQ(s.count("expired_early_dialog"), 1u);
  EXPECT_EQ(s.count("expired_idle_dialog"), 1u);
}

// The tracker keeps the earliest deadline of its lists instead of reading their fronts on
// every message. A dialog that moves to a list with a shorter timeout (a BYE ends it: the
// 32 s linger instead of 12 h) must move that deadline forward, or it would outlive it.
TEST(SipTracker, AnEndedDialogExpiresOnItsLingerAfterTheNextDeadlineWasHours) {
  SipTracker t;
  ASSERT_TRUE(t.openDialog(request("INVITE", 1, "z9hG4bKc", "talk"), scope(1), kT0));
  EXPECT_TRUE(t.observe(reply(200, "INVITE", 1, "z9hG4bKc", "callee", "talk"), kT0));
  // The INVITE transaction expires: the next deadline is now the confirmed dialog's, 12 h on.
  EXPECT_FALSE(t.observe(request("OPTIONS", 2, "z9hG4bKx", "nobody"), kT0 + 40 * kSecond));
  EXPECT_EQ(t.transactions(), 0u);
  EXPECT_TRUE(t.observe(request("BYE", 2, "z9hG4bKb", "talk", "callee"), kT0 + 50 * kSecond));
  EXPECT_TRUE(t.observe(reply(200, "BYE", 2, "z9hG4bKb", "callee", "talk"), kT0 + 50 * kSecond));
  EXPECT_TRUE(t.observe(request("BYE", 2, "z9hG4bKb", "talk", "callee"), kT0 + 81 * kSecond))
      << "a retransmission within the linger is held";
  EXPECT_FALSE(t.observe(request("OPTIONS", 3, "z9hG4bKy", "nobody"), kT0 + 114 * kSecond));
  EXPECT_EQ(t.dialogs(), 0u) << "ended: gone 32 s after its last message";
  EXPECT_EQ(t.stats().snapshot().count("ended_dialog"), 1u);
}

TEST(SipTracker, AFloodOfNewInvitesIsRefusedNotEvictingLiveCalls) {
  TrackerOptions o;
  o.max_dialogs = 100;
  o.max_transactions = 100;
  SipTracker t(o);
  ASSERT_TRUE(t.openDialog(request("INVITE", 1, "z9hG4bKlive", "live"), scope(7), kT0));
  std::vector<std::string> ids;
  for (int i = 0; i < 10'000; ++i) ids.push_back("flood-" + std::to_string(i));
  size_t opened = 0;
  for (const auto& id : ids) {
    const auto m = request("INVITE", 1, "z9hG4bKf", "t", "", id);
    opened += t.openDialog(m, scope(1), kT0 + 1) ? 1 : 0;
    (void)t.openTransaction(m, scope(1), kT0 + 1);
  }
  EXPECT_EQ(opened, 99u);
  EXPECT_EQ(t.dialogs(), 100u);
  EXPECT_EQ(t.transactions(), 100u);
  EXPECT_EQ(t.stats().snapshot().count("refused_full"), 2u * 10'000 - 99 - 100);
  auto live = t.observe(request("BYE", 2, "z9hG4bKbye", "live", "x"), kT0 + 2);
  ASSERT_TRUE(live);
  EXPECT_EQ(live->rule, 7u);
}

TEST(SipTracker, FromParsedFieldsNeedsCallIdAndCSeq) {
  sip::SipCaptureFields f;
  f.type = 1;
  f.method = "INVITE";
  f.callid = "c";
  f.cseq = "12  INVITE";
  TrackedMessage m;
  ASSERT_TRUE(TrackedMessage::from(f, m));
  EXPECT_EQ(m.cseq, 12u);
  EXPECT_EQ(m.method, "INVITE");
  f.type = 2;
  f.status_code = 180;
  f.method = "180";
  ASSERT_TRUE(TrackedMessage::from(f, m));
  EXPECT_EQ(m.method, "INVITE") << "a reply's method is its CSeq method";
  EXPECT_EQ(m.status, 180);
  f.cseq = "\t4294967295\tACK\t";
  ASSERT_TRUE(TrackedMessage::from(f, m));
  EXPECT_EQ(m.cseq, 4294967295u) << "the largest CSeq number";
  EXPECT_EQ(m.method, "ACK");
  for (std::string_view bad :
       {"", "INVITE", "x INVITE", "12", "99999999999 INVITE", "4294967296 ACK", "1x INVITE",
        "-1 INVITE", "+1 INVITE", "1 ", "184467440737095516161 INVITE"}) {
    f.cseq = bad;
    EXPECT_FALSE(TrackedMessage::from(f, m)) << bad;
  }
  f.cseq = "1 INVITE";
  f.callid = "";
  EXPECT_FALSE(TrackedMessage::from(f, m));
}

}  // namespace
}  // namespace siphon::trace
