// The tracing rules on parsed records: first match wins, a message no rule takes is not traced
// (counted no_rule), drop, the correlation id (fixed, a header's value up to ';', the Call-ID)
// into 0x0011, and a rule's destinations taking the record off the default senders.

#include "trace/trace_processor.h"

#include <gtest/gtest.h>

#include <array>

#include "hep/extra_correlation.h"
#include "process/sip_parse.h"
#include "support/records.h"
#include "trace/trace_config.h"

namespace siphon::trace {
namespace {

const std::string kInvite =
    "INVITE sip:carol@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: trace-1@example.com\r\nCSeq: 1 INVITE\r\n"
    "Replaces: first-call@example.com;to-tag=7743;from-tag=6472\r\nX-Trace: yes\r\n"
    "Content-Length: 0\r\n\r\n";
const std::string kRinging =
    "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
    "Call-ID: trace-1@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
const std::string kOptions =
    "OPTIONS sip:proxy@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.9.0.1;branch=z9hG4bK9\r\n"
    "From: <sip:monitor@example.com>;tag=m1\r\nTo: <sip:proxy@example.com>\r\n"
    "Call-ID: ping-1@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

std::vector<TraceRule> rules(const std::string& toml) {
  auto file = core::ConfigFile::parse(toml, "agent.toml");
  EXPECT_TRUE(file.has_value()) << (file.has_value() ? "" : file.error().message);
  auto r = parseTraceRules(*file);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message);
  return r.has_value() ? std::move(*r) : std::vector<TraceRule>{};
}

// A sniffed-like record, parsed, on lane 0 (the default sender) and lane 1 (the store).
record::Record parsed(std::string_view payload, support::CaptureSpec spec = {}) {
  record::Record r(support::makeCapture(payload, spec));
  r.lanes.set(0);
  r.lanes.set(1);
  process::SipParseProcessor parse({});
  (void)parse.process(r);
  return r;
}

TraceLanes lanes(size_t rules_with_own = 0) {
  TraceLanes l;
  l.senders.set(0);
  for (size_t i = 0; i < rules_with_own; ++i) {
    record::LaneSet own;
    own.set(2 + i);
    l.per_rule.push_back(own);
  }
  return l;
}

TEST(TraceProcessor, FirstMatchDecidesAndTheRestIsNotTraced) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["OPTIONS"]
drop = true
[[trace]]
source = "10.0.0.0/16"
correlation = "header:Replaces"
[[trace]]
type = "reply"
correlation = "call-id"
)t"),
                   lanes());
  support::CaptureSpec from_a;  // 10.0.0.1 -> 10.0.0.2
  auto invite = parsed(kInvite, from_a);
  ASSERT_EQ(p.process(invite), process::Verdict::Keep);
  EXPECT_EQ(invite.meta().correlation_id, "first-call@example.com");
  EXPECT_EQ(invite.sip.correlation_id, "first-call@example.com");
  EXPECT_TRUE(invite.lanes.test(0) && invite.lanes.test(1));

  auto options = parsed(kOptions, from_a);
  EXPECT_EQ(p.process(options), process::Verdict::Drop) << "rule 1 drops before rule 2 matches";

  support::CaptureSpec from_b;
  from_b.src = "192.168.1.9";
  auto ringing = parsed(kRinging, from_b);
  ASSERT_EQ(p.process(ringing), process::Verdict::Keep);
  EXPECT_EQ(ringing.meta().correlation_id, "trace-1@example.com");

  auto other = parsed(kInvite, from_b);  // no rule takes it
  EXPECT_EQ(p.process(other), process::Verdict::Drop);
  auto s = p.stats().snapshot();
  EXPECT_EQ(s.count("traced"), 2u);
  EXPECT_EQ(s.count("correlated"), 2u);
  EXPECT_EQ(s.dropped("rule_drop"), 1u);
  EXPECT_EQ(s.dropped("no_rule"), 1u);
}

// An agent whose rules open scopes parses only the scope keys (FieldSet::Keys); a message no
// scope holds gets the rest of its fields from the tracer before the rules read them.
TEST(TraceProcessor, RulesReadUsersOfAKeysOnlyParse) {
  TraceProcessor p(rules(R"t(
[[trace]]
from_user = "alice"
scope = "d"
correlation = "call-id"
)t"),
                   lanes());
  auto keysOnly = [](std::string_view payload) {
    record::Record r(support::makeCapture(payload, {}));
    r.lanes.set(0);
    process::SipParseProcessor parse({}, sip::FieldSet::Keys);
    (void)parse.process(r);
    EXPECT_EQ(r.sip.fields.from_user, "") << "the keys parse reads no URI";
    return r;
  };
  auto invite = keysOnly(kInvite);
  ASSERT_EQ(p.process(invite), process::Verdict::Keep) << "from_user read after all";
  EXPECT_EQ(invite.sip.fields.from_user, "alice");
  EXPECT_EQ(invite.meta().correlation_id, "trace-1@example.com");
  // The 180 is held by the dialog scope on its keys alone: no rule, no further parse.
  auto ringing = keysOnly(kRinging);
  ASSERT_EQ(p.process(ringing), process::Verdict::Keep);
  EXPECT_EQ(ringing.sip.fields.from_user, "");
  EXPECT_EQ(ringing.meta().correlation_id, "trace-1@example.com");
  auto options = keysOnly(kOptions);  // monitor@: no rule takes it
  EXPECT_EQ(p.process(options), process::Verdict::Drop);
  EXPECT_EQ(p.stats().snapshot().count("in_scope"), 1u);
}

// A header test on a message no scope holds reads the index of the parse the tracer makes
// for the rules (after a keys-only parse), or scans the bytes (after a full one): the same
// answers either way, a keep-alive CRLF ahead of the message included.
TEST(TraceProcessor, HeaderRulesDecideAlikeAfterAKeysOrAFullParse) {
  const std::string rule_toml = R"t(
[[trace]]
header = "X-Trace~^yes$"
scope = "d"
correlation = "call-id"
)t";
  for (const sip::FieldSet set : {sip::FieldSet::Keys, sip::FieldSet::All}) {
    TraceProcessor p(rules(rule_toml), lanes());
    auto record = [&](std::string_view payload) {
      record::Record r(support::makeCapture(payload, {}));
      r.lanes.set(0);
      process::SipParseProcessor parse({}, set);
      (void)parse.process(r);
      return r;
    };
    const std::string what = set == sip::FieldSet::Keys ? "keys" : "all";
    auto invite = record("\r\n" + kInvite);
    EXPECT_EQ(p.process(invite), process::Verdict::Keep) << what << ": X-Trace: yes";
    auto options = record(kOptions);
    EXPECT_EQ(p.process(options), process::Verdict::Drop) << what << ": no X-Trace";
  }
}

TEST(TraceProcessor, MatchKeysEachNarrow) {
  const std::pair<std::string, bool> cases[] = {
      {"method = [\"invite\"]", true},
      {"method = [\"BYE\"]", false},
      {"type = \"request\"", true},
      {"type = \"reply\"", false},
      {"from_user = \"alice\"", true},
      {"from_user = \"bob\"", false},
      {"to_user = \"bob\"", true},
      {"ruri_user = \"carol\"", true},
      {"ruri_user = \"dave\"", false},
      {"source = \"10.0.0.1:5060\"", true},
      {"source = \"10.0.0.1:5061\"", false},
      {"destination = \"10.0.0.2\"", true},
      {"destination = \"10.0.0.0/31\"", false},
      {"header = \"X-Trace\"", true},
      {"header = \"X-Trace=yes\"", true},
      {"header = \"X-Trace=no\"", false},
      {"header = \"X-Trace~^y\"", true},
      {"header = \"X-Other\"", false},
      {"listen = \"udp:10.0.0.2:5062\"", true},  // the server's socket, as destination
      {"listen = \"10.0.0.1:5060\"", true},      // as source
      {"listen = \"UDP:10.0.0.0/24\"", true},
      {"listen = \"tcp:10.0.0.2:5062\"", false},
      {"listen = \"[::1]:5060\"", false},
      {"listen = \"10.0.0.2:5060\"", false},
  };
  for (const auto& [key, want] : cases) {
    TraceProcessor p(rules("[[trace]]\n" + key + "\n"), lanes());
    auto r = parsed(kInvite);
    EXPECT_EQ(p.process(r) == process::Verdict::Keep, want) << key;
  }
}

TEST(TraceProcessor, AnInterfaceRuleTakesWhatThatSourceCaptured) {
  auto bound = rules("[[trace]]\ninterface = \"eth1\"\ncorrelation = \"on-eth1\"\n");
  ASSERT_TRUE(bindInterfaces(bound, {"", "eth0", "eth1"}).has_value());
  TraceProcessor p(std::move(bound), lanes());
  auto on_eth1 = parsed(kInvite);
  on_eth1.source = 2;
  ASSERT_EQ(p.process(on_eth1), process::Verdict::Keep);
  EXPECT_EQ(on_eth1.meta().correlation_id, "on-eth1");
  auto on_eth0 = parsed(kInvite);
  on_eth0.source = 1;
  EXPECT_EQ(p.process(on_eth0), process::Verdict::Drop);
  auto from_a_file = parsed(kInvite);  // source 0: no interface
  EXPECT_EQ(p.process(from_a_file), process::Verdict::Drop);

  auto unknown = rules("[[trace]]\nmethod = [\"BYE\"]\n[[trace]]\ninterface = \"eth9\"\n");
  auto refused = bindInterfaces(unknown, {"", "eth0"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().exit_code, 2);
  EXPECT_NE(refused.error().message.find("trace #2: interface: 'eth9'"), std::string::npos)
      << refused.error().message;
  auto from_files = rules("[[trace]]\ninterface = \"eth0\"\n");
  EXPECT_FALSE(bindInterfaces(from_files, {""}).has_value()) << "files have no interface";
}

TEST(TraceProcessor, AFixedCorrelationAndOwnDestinations) {
  TraceProcessor p(rules(R"t(
[[trace]]
from_user = "alice"
correlation = "vip-42"
destinations = ["udp:127.0.0.1:9999"]
[[trace]]
)t"),
                   lanes(1));
  auto r = parsed(kInvite);
  ASSERT_EQ(p.process(r), process::Verdict::Keep);
  EXPECT_EQ(r.meta().correlation_id, "vip-42");
  EXPECT_FALSE(r.lanes.test(0)) << "off the default sender";
  EXPECT_TRUE(r.lanes.test(1)) << "still stored";
  EXPECT_TRUE(r.lanes.test(2)) << "to the rule's own";
  // The catch-all keeps the defaults and a header correlation the message lacks sets nothing.
  auto other = parsed(kOptions);
  ASSERT_EQ(p.process(other), process::Verdict::Keep);
  EXPECT_TRUE(other.lanes.test(0));
  EXPECT_FALSE(other.lanes.test(2));
  EXPECT_EQ(other.meta().correlation_id, "");
}

TEST(TraceProcessor, BrokenSipMatchesOnlyRulesWithoutSipKeys) {
  TraceProcessor p(rules("[[trace]]\nmethod = [\"INVITE\"]\n[[trace]]\nsource = \"10.0.0.1\"\n"),
                   lanes());
  auto r = parsed("INVITE this is not SIP\r\n\r\n");
  ASSERT_EQ(p.process(r), process::Verdict::Keep) << "kept by the address rule";
  EXPECT_TRUE(r.sip.parse_error.has_value());
}

// One SIP message of call `call_id` (tags "a" caller, "b" callee).
std::string sipMessage(std::string_view start, std::string_view cseq, std::string_view branch,
                       std::string_view from_tag, std::string_view to_tag,
                       std::string_view call_id = "scope-1@example.com",
                       std::string_view extra = "") {
  std::string m(start);
  m += "\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=" + std::string(branch) +
       "\r\nFrom: <sip:alice@example.com>;tag=" + std::string(from_tag) +
       "\r\nTo: <sip:bob@example.com>" + (to_tag.empty() ? "" : ";tag=" + std::string(to_tag)) +
       "\r\nCall-ID: " + std::string(call_id) + "\r\nCSeq: " + std::string(cseq) + "\r\n" +
       std::string(extra) + "Content-Length: 0\r\n\r\n";
  return m;
}

// Scope d: every message of the dialog carries the id the INVITE's Replaces gave, though only
// the INVITE has the header; the INVITE's relayed copy, the 2xx's ACK, the callee's BYE and
// its 200 included. Another call is not traced.
TEST(TraceProcessor, ADialogScopeCorrelatesEveryMessageOfTheDialog) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
header = "Replaces"
scope = "d"
correlation = "header:Replaces"
)t"),
                   lanes());
  ASSERT_NE(p.tracker(), nullptr);
  const std::string replaces = "Replaces: first-call@example.com;to-tag=1;from-tag=2\r\n";
  const std::string flow[] = {
      sipMessage("INVITE sip:bob@example.com SIP/2.0", "1 INVITE", "z9hG4bK1", "a", "",
                 "scope-1@example.com", replaces),
      sipMessage("INVITE sip:bob@10.0.0.3 SIP/2.0", "1 INVITE", "z9hG4bK2", "a", "",
                 "scope-1@example.com", replaces),
      sipMessage("SIP/2.0 180 Ringing", "1 INVITE", "z9hG4bK2", "a", "b"),
      sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bK1", "a", "b"),
      sipMessage("ACK sip:bob@10.0.0.3 SIP/2.0", "1 ACK", "z9hG4bK3", "a", "b"),
      sipMessage("BYE sip:alice@10.0.0.1 SIP/2.0", "1 BYE", "z9hG4bK4", "b", "a"),
      sipMessage("SIP/2.0 200 OK", "1 BYE", "z9hG4bK4", "b", "a"),
  };
  for (const auto& text : flow) {
    auto r = parsed(text);
    ASSERT_EQ(p.process(r), process::Verdict::Keep) << text;
    EXPECT_EQ(r.meta().correlation_id, "first-call@example.com") << text;
  }
  auto other = parsed(sipMessage("BYE sip:x SIP/2.0", "9 BYE", "z9hG4bK9", "x", "y", "other@h"));
  EXPECT_EQ(p.process(other), process::Verdict::Drop);
  auto s = p.stats().snapshot();
  EXPECT_EQ(s.count("traced"), 7u);
  EXPECT_EQ(s.count("in_scope"), 6u);
  EXPECT_EQ(s.dropped("no_rule"), 1u);
  std::vector<core::StageSnapshot> more;
  p.moreStats(more);
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[0].count("dialogs"), 1u);
  EXPECT_EQ(more[1].stage, "trace_calls");
}

// The call's reports (RTCP from the agent's --rtcp, a log from Kamailio) carry its Call-ID as
// correlation id; no rule takes them (they have no method), yet they are traced while a scope
// holds that call, with the scope's correlation, on either side. Another call's are not.
TEST(TraceProcessor, ReportsOfATracedCallFollowIt) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
scope = "d"
flags = "C"
correlation = "header:Replaces"
)t"),
                   lanes());
  const std::string replaces = "Replaces: first-call@example.com;to-tag=1;from-tag=2\r\n";
  auto invite = parsed(sipMessage("INVITE sip:bob@example.com SIP/2.0", "1 INVITE", "z9hG4bK1",
                                  "a", "", "media-1@example.com", replaces));
  ASSERT_EQ(p.process(invite), process::Verdict::Keep);
  for (uint8_t type : {uint8_t{5}, uint8_t{100}}) {
    support::CaptureSpec spec;
    spec.payload_type = type;
    spec.src = "10.0.0.9";  // the callee's media: not the caller's hop
    spec.correlation = "media-1@example.com";
    record::Record rtcp(support::makeCapture("{\"type\":200}", spec));
    rtcp.lanes.set(0);
    ASSERT_EQ(p.process(rtcp), process::Verdict::Keep) << int{type};
    EXPECT_EQ(rtcp.meta().correlation_id, "first-call@example.com");
    EXPECT_TRUE(rtcp.lanes.test(0));
  }
  support::CaptureSpec other;
  other.payload_type = 5;
  other.correlation = "not-traced@example.com";
  record::Record stray(support::makeCapture("{}", other));
  EXPECT_EQ(p.process(stray), process::Verdict::Drop);
  EXPECT_EQ(p.stats().snapshot().dropped("no_rule"), 1u);
  std::vector<core::StageSnapshot> more;
  p.moreStats(more);
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[1].count("joined"), 2u);
}

// A scope without a correlation id: its call's reports keep the Call-ID they name, and its
// SIP messages are sent without one.
TEST(TraceProcessor, ReportsOfAScopeWithoutAnIdKeepTheirCallId) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
scope = "d"
)t"),
                   lanes());
  auto invite = parsed(sipMessage("INVITE sip:bob@example.com SIP/2.0", "1 INVITE", "z9hG4bK1", "a",
                                  "", "media-2@example.com"));
  ASSERT_EQ(p.process(invite), process::Verdict::Keep);
  EXPECT_EQ(invite.meta().correlation_id, "");
  auto ringing = parsed(
      sipMessage("SIP/2.0 180 Ringing", "1 INVITE", "z9hG4bK1", "a", "b", "media-2@example.com"));
  ASSERT_EQ(p.process(ringing), process::Verdict::Keep);
  EXPECT_EQ(ringing.meta().correlation_id, "");
  support::CaptureSpec spec;
  spec.payload_type = 5;
  spec.correlation = "media-2@example.com";
  record::Record rtcp(support::makeCapture("{\"type\":200}", spec));
  rtcp.lanes.set(0);
  ASSERT_EQ(p.process(rtcp), process::Verdict::Keep);
  EXPECT_EQ(rtcp.meta().correlation_id, "media-2@example.com");
}

// Scope t with drop: the request and its whole transaction are not traced; a d rule on a
// request that cannot start a dialog (an in-dialog INVITE) degrades to its transaction.
// An attended transfer (RFC 5589 §7): the REFER inside call 1 names the consultation call 2
// in its Refer-To's percent-encoded Replaces; the transferee's INVITE (call 3) names it in
// Replaces. `extra_correlation = "replaces"` puts call 2's Call-ID into a 0x0065 chunk on
// exactly those two messages, so call assembly joins the three calls; 0x0011 stays each
// call's own.
TEST(TraceProcessor, ExtraCorrelationTiesATransferTogether) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "call-id"
extra_correlation = "replaces"
)t"),
                   lanes());
  auto extra = [](const record::Record& r) {
    std::array<std::string_view, hep::kMaxExtraCorrelationValues> v;
    const size_t n = hep::extraCorrelationValues(r.meta(), v);
    return n == 0 ? std::string("-") : std::string(v[0]);
  };
  const std::string refer_to =
      "Refer-To: <sip:carol@example.com?Replaces=call-2%40example.com%3Bto-tag%3D7%3Bfrom-tag"
      "%3D8>\r\n";
  const std::string replaces = "Replaces: call-2@example.com;to-tag=7;from-tag=8\r\n";
  auto invite1 = parsed(sipMessage("INVITE sip:bob@example.com SIP/2.0", "1 INVITE", "z9hG4bK1",
                                   "a", "", "call-1@example.com"));
  auto ok1 =
      parsed(sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bK1", "a", "b", "call-1@example.com"));
  auto refer = parsed(sipMessage("REFER sip:bob@10.0.0.2 SIP/2.0", "2 REFER", "z9hG4bK2", "a", "b",
                                 "call-1@example.com", refer_to));
  auto invite3 = parsed(sipMessage("INVITE sip:carol@example.com SIP/2.0", "1 INVITE", "z9hG4bK3",
                                   "c", "", "call-3@example.com", replaces));
  for (auto* r : {&invite1, &ok1, &refer, &invite3})
    ASSERT_EQ(p.process(*r), process::Verdict::Keep);
  EXPECT_EQ(extra(invite1), "-");
  EXPECT_EQ(extra(ok1), "-");
  EXPECT_EQ(extra(refer), "call-2@example.com") << "held by call 1's dialog, still read";
  EXPECT_EQ(refer.meta().correlation_id, "call-1@example.com");
  EXPECT_EQ(extra(invite3), "call-2@example.com");
  EXPECT_EQ(invite3.meta().correlation_id, "call-3@example.com");

  // correlation = "replaces" reads the same two places; a broken escape gives nothing.
  TraceProcessor q(rules("[[trace]]\ncorrelation = \"replaces\"\n"), lanes());
  auto refer_again = parsed(sipMessage("REFER sip:bob@10.0.0.2 SIP/2.0", "3 REFER", "z9hG4bK4", "a",
                                       "b", "call-1@example.com", refer_to));
  ASSERT_EQ(q.process(refer_again), process::Verdict::Keep);
  EXPECT_EQ(refer_again.meta().correlation_id, "call-2@example.com");
  auto broken =
      parsed(sipMessage("REFER sip:bob@10.0.0.2 SIP/2.0", "4 REFER", "z9hG4bK5", "a", "b",
                        "call-1@example.com", "Refer-To: <sip:c@x?Replaces=call-2%4>\r\n"));
  ASSERT_EQ(q.process(broken), process::Verdict::Keep);
  EXPECT_TRUE(broken.meta().correlation_id.empty());
  auto plain = parsed(sipMessage("REFER sip:bob@10.0.0.2 SIP/2.0", "5 REFER", "z9hG4bK6", "a", "b",
                                 "call-1@example.com",
                                 "r: <sip:c@x?Subject=hi&replaces=call-9@x;to-tag=1>\r\n"));
  ASSERT_EQ(q.process(plain), process::Verdict::Keep);
  EXPECT_EQ(plain.meta().correlation_id, "call-9@x") << "compact Refer-To, a later URI header";
}

TEST(TraceProcessor, ADroppedTransactionAndADegradedDialogScope) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["OPTIONS"]
scope = "t"
drop = true
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "reinvite"
)t"),
                   lanes());
  auto options = parsed(sipMessage("OPTIONS sip:p SIP/2.0", "3 OPTIONS", "z9hG4bKo", "m", ""));
  EXPECT_EQ(p.process(options), process::Verdict::Drop);
  auto ok = parsed(sipMessage("SIP/2.0 200 OK", "3 OPTIONS", "z9hG4bKo", "m", "p"));
  EXPECT_EQ(p.process(ok), process::Verdict::Drop) << "its reply too: a dropped scope";
  auto reinvite = parsed(sipMessage("INVITE sip:bob SIP/2.0", "2 INVITE", "z9hG4bKr", "a", "b"));
  ASSERT_EQ(p.process(reinvite), process::Verdict::Keep);
  auto answer = parsed(sipMessage("SIP/2.0 200 OK", "2 INVITE", "z9hG4bKr", "a", "b"));
  ASSERT_EQ(p.process(answer), process::Verdict::Keep);
  EXPECT_EQ(answer.meta().correlation_id, "reinvite");
  EXPECT_EQ(p.tracker()->dialogs(), 0u);
  EXPECT_EQ(p.tracker()->transactions(), 2u);
  EXPECT_EQ(p.stats().snapshot().dropped("rule_drop"), 2u);
}

// Partial tracing on a chain caller A - proxy P1 - proxy P2 - callee B, seen by two agents:
// C on P1's rule keeps the A - P1 hop, c on P2's the P1 - P2 and P2 - B hops, so each message
// of the call is traced by exactly one of them.
TEST(TraceProcessor, CallerSideOnOneProxyAndCalleeSideOnTheNextTraceEachMessageOnce) {
  const char* kRule = R"t(
[[trace]]
method = ["INVITE"]
scope = "d"
flags = "%"
)t";
  std::string p1_rule = kRule, p2_rule = kRule;
  p1_rule.replace(p1_rule.find('%'), 1, "C");
  p2_rule.replace(p2_rule.find('%'), 1, "c");
  TraceProcessor p1(rules(p1_rule), lanes()), p2(rules(p2_rule), lanes());
  struct Leg {
    const char *src, *dst;
    std::string text;
  };
  const char *a = "10.0.0.1", *p1_ip = "10.0.0.11", *p2_ip = "10.0.0.12", *b = "10.0.0.2";
  const std::string inv = "INVITE sip:bob@example.com SIP/2.0";
  const Leg flow[] = {
      {a, p1_ip, sipMessage(inv, "1 INVITE", "z9hG4bKa", "a", "")},
      {p1_ip, p2_ip, sipMessage(inv, "1 INVITE", "z9hG4bKp1", "a", "")},
      {p2_ip, b, sipMessage(inv, "1 INVITE", "z9hG4bKp2", "a", "")},
      {b, p2_ip, sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bKp2", "a", "b")},
      {p2_ip, p1_ip, sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bKp1", "a", "b")},
      {p1_ip, a, sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bKa", "a", "b")},
      {a, p1_ip, sipMessage("ACK sip:bob@10.0.0.2 SIP/2.0", "1 ACK", "z9hG4bKa2", "a", "b")},
      {p1_ip, p2_ip, sipMessage("ACK sip:bob@10.0.0.2 SIP/2.0", "1 ACK", "z9hG4bKp3", "a", "b")},
      {p2_ip, b, sipMessage("ACK sip:bob@10.0.0.2 SIP/2.0", "1 ACK", "z9hG4bKp4", "a", "b")},
      {b, p2_ip, sipMessage("BYE sip:alice@10.0.0.1 SIP/2.0", "1 BYE", "z9hG4bKb1", "b", "a")},
      {p2_ip, p1_ip, sipMessage("BYE sip:alice@10.0.0.1 SIP/2.0", "1 BYE", "z9hG4bKp5", "b", "a")},
      {p1_ip, a, sipMessage("BYE sip:alice@10.0.0.1 SIP/2.0", "1 BYE", "z9hG4bKp6", "b", "a")},
      {a, p1_ip, sipMessage("SIP/2.0 200 OK", "1 BYE", "z9hG4bKp6", "b", "a")},
      {p1_ip, p2_ip, sipMessage("SIP/2.0 200 OK", "1 BYE", "z9hG4bKp5", "b", "a")},
      {p2_ip, b, sipMessage("SIP/2.0 200 OK", "1 BYE", "z9hG4bKb1", "b", "a")},
  };
  size_t n = 0;
  for (const auto& leg : flow) {
    support::CaptureSpec spec;
    spec.src = leg.src;
    spec.dst = leg.dst;
    spec.sport = spec.dport = 5060;
    spec.ts_us += static_cast<int64_t>(++n) * 1000;
    auto at_p1 = parsed(leg.text, spec), at_p2 = parsed(leg.text, spec);
    const bool by_p1 = p1.process(at_p1) == process::Verdict::Keep;
    const bool by_p2 = p2.process(at_p2) == process::Verdict::Keep;
    EXPECT_NE(by_p1, by_p2) << "message " << n << " " << leg.src << " -> " << leg.dst;
    const bool on_a_hop = std::string_view(leg.src) == a || std::string_view(leg.dst) == a;
    EXPECT_EQ(by_p1, on_a_hop) << "message " << n;
  }
  EXPECT_EQ(p1.stats().snapshot().dropped("other_side"), 10u);
  EXPECT_EQ(p2.stats().snapshot().dropped("other_side"), 5u);
}

// Scope b on a B2BUA: the A leg's INVITE (no X-CID) opens the session under its Call-ID; the
// B leg the B2BUA originates (another Call-ID, `X-CID: <A leg>`, which the rule does not
// match: no X-Trace) joins it, and every message
// of both dialogs, the B leg's replies and BYE without the header included, carries the A
// leg's Call-ID. A call on the same B2BUA that names no session is not traced. When both
// dialogs have ended and lingered, the session is reclaimed.
TEST(TraceProcessor, AB2buaSessionJoinsTheLegsItsHeaderNames) {
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
header = "X-Trace"
scope = "b"
)t"),
                   lanes());
  ASSERT_NE(p.sessions(), nullptr);
  const std::string a_leg = "a-leg@pbx", b_leg = "b-leg@pbx";
  const std::string xcid = "X-CID: " + a_leg + "\r\n";
  const std::string inv = "INVITE sip:bob@example.com SIP/2.0";
  const std::string bye = "BYE sip:bob@example.com SIP/2.0";
  const std::string flow[] = {
      sipMessage(inv, "1 INVITE", "z9hG4bKa1", "a", "", a_leg, "X-Trace: 1\r\n"),  // A -> B2BUA
      sipMessage(inv, "1 INVITE", "z9hG4bKb1", "x", "", b_leg, xcid),              // B2BUA -> B
      sipMessage("SIP/2.0 180 Ringing", "1 INVITE", "z9hG4bKb1", "x", "y", b_leg),
      sipMessage("SIP/2.0 180 Ringing", "1 INVITE", "z9hG4bKa1", "a", "b", a_leg),
      sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bKb1", "x", "y", b_leg),
      sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bKa1", "a", "b", a_leg),
      sipMessage("ACK sip:bob SIP/2.0", "1 ACK", "z9hG4bKb2", "x", "y", b_leg),
      sipMessage("ACK sip:b2bua SIP/2.0", "1 ACK", "z9hG4bKa2", "a", "b", a_leg),
      sipMessage(bye, "2 BYE", "z9hG4bKb3", "y", "x", b_leg),  // B hangs up
      sipMessage("SIP/2.0 200 OK", "2 BYE", "z9hG4bKb3", "y", "x", b_leg),
      sipMessage(bye, "2 BYE", "z9hG4bKa3", "b", "a", a_leg),
      sipMessage("SIP/2.0 200 OK", "2 BYE", "z9hG4bKa3", "b", "a", a_leg),
  };
  support::CaptureSpec spec;
  for (const auto& text : flow) {
    spec.ts_us += 1000;
    auto r = parsed(text, spec);
    ASSERT_EQ(p.process(r), process::Verdict::Keep) << text;
    EXPECT_EQ(r.meta().correlation_id, a_leg) << text;
  }
  EXPECT_EQ(p.tracker()->dialogs(), 2u);
  // Another call through the B2BUA: its B leg names an A leg that is no session.
  auto stranger = parsed(
      sipMessage(inv, "1 INVITE", "z9hG4bKs", "s", "", "s-leg@pbx", "X-CID: other@pbx\r\n"), spec);
  EXPECT_EQ(p.process(stranger), process::Verdict::Drop);

  auto s = p.stats().snapshot();
  EXPECT_EQ(s.count("traced"), 12u);
  EXPECT_EQ(s.count("in_scope"), 11u);
  EXPECT_EQ(s.dropped("no_rule"), 1u);
  std::vector<core::StageSnapshot> more;
  p.moreStats(more);
  ASSERT_EQ(more.size(), 3u);  // the tracker, the sessions, the calls (for their reports)
  EXPECT_EQ(more[1].stage, "trace_sessions");
  EXPECT_EQ(more[1].count("sessions"), 1u);
  EXPECT_EQ(more[1].count("joined"), 1u) << "the B leg's INVITE; the rest its dialog holds";

  // Past the linger of both ended dialogs and their transactions, a message's sweep finds
  // the session with no scope left.
  spec.ts_us += 120'000'000;
  for (int i = 0; i < 3; ++i) {
    auto ping = parsed(kOptions, spec);
    EXPECT_EQ(p.process(ping), process::Verdict::Drop);
  }
  EXPECT_EQ(p.tracker()->dialogs(), 0u);
  EXPECT_EQ(p.sessions()->size(), 0u);
  more.clear();
  p.moreStats(more);
  EXPECT_EQ(more[1].count("ended_session"), 1u);
}

// A session header of the operator's choosing, and a fixed correlation: the rule's id, not
// the session key, goes on every leg; a full session table refuses (and counts) a session
// but still traces the rule's own dialog.
TEST(TraceProcessor, ASessionHeaderListAFixedIdAndAFullTable) {
  TrackerOptions small;
  small.max_sessions = 1;
  TraceProcessor p(rules(R"t(
[[trace]]
method = ["INVITE"]
scope = "b"
session_header = "X-Leg-Of;X-CID"
correlation = "vip"
)t"),
                   lanes(), small);
  const std::string inv = "INVITE sip:bob@example.com SIP/2.0";
  auto a = parsed(sipMessage(inv, "1 INVITE", "z9hG4bK1", "a", "", "call-1@pbx"));
  ASSERT_EQ(p.process(a), process::Verdict::Keep);
  auto b = parsed(sipMessage(inv, "1 INVITE", "z9hG4bK2", "x", "", "call-1b@pbx",
                             "X-Leg-Of: call-1@pbx;leg=2\r\n"));
  ASSERT_EQ(p.process(b), process::Verdict::Keep);
  auto b_ok = parsed(sipMessage("SIP/2.0 200 OK", "1 INVITE", "z9hG4bK2", "x", "y", "call-1b@pbx"));
  ASSERT_EQ(p.process(b_ok), process::Verdict::Keep);
  EXPECT_EQ(b_ok.meta().correlation_id, "vip");
  auto second = parsed(sipMessage(inv, "1 INVITE", "z9hG4bK3", "c", "", "call-2@pbx"));
  ASSERT_EQ(p.process(second), process::Verdict::Keep) << "the rule still takes its dialog";
  std::vector<core::StageSnapshot> more;
  p.moreStats(more);
  EXPECT_EQ(more[1].count("refused_full"), 1u);
  EXPECT_EQ(p.sessions()->size(), 1u);
}

}  // namespace
}  // namespace siphon::trace
