// The rules on a record parsed for its scope keys only (FieldSet::Keys, what an agent whose
// rules open scopes parses): a rule answers as it does on the full parse, and the full parse is
// made only for a message that passes the rule's cheaper tests (trace/rule_sip.h).

#include "trace/rule_sip.h"

#include <gtest/gtest.h>

#include "process/sip_parse.h"
#include "support/records.h"
#include "trace/trace_rule.h"
#include "unit/sip/sip_fixtures.h"

namespace siphon::trace {
namespace {

const std::string kRuleInvite = sip::testing::crlf(
    "INVITE sip:carol@example.com SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\n"
    "From: \"vip\" <sip:alice@example.com>;tag=a1\nTo: <sip:bob@example.com>\n"
    "Call-ID: rule-1@example.com\nCSeq: 1 INVITE\nX-Trace: yes\nContent-Length: 0\n\n");

record::Record parsedFor(std::string_view payload, sip::FieldSet set) {
  record::Record r(support::makeCapture(payload, {}));
  process::SipParseProcessor parse({}, set);
  (void)parse.process(r);
  return r;
}

TraceRule fromUser(std::string user) {
  TraceRule rule;
  rule.match.from_user = std::move(user);
  return rule;
}

TEST(RuleSip, AUserNotWrittenInItsValueFailsWithoutTheParse) {
  auto r = parsedFor(kRuleInvite, sip::FieldSet::Keys);
  ASSERT_EQ(r.sip.set, sip::FieldSet::Keys);
  RuleSip sip(r);
  EXPECT_FALSE(fromUser("mallory").matches(sip));
  TraceRule to;
  to.match.to_user = "alice";
  EXPECT_FALSE(to.matches(sip));
  TraceRule ruri;
  ruri.match.ruri_user = "bob";
  EXPECT_FALSE(ruri.matches(sip));
  TraceRule method;
  method.match.methods = {"BYE"};
  EXPECT_FALSE(method.matches(sip));
  TraceRule header;
  header.match.header = TraceMatch::Header{"X-Other", {}};
  EXPECT_FALSE(header.matches(sip));
  EXPECT_EQ(r.sip.set, sip::FieldSet::Keys) << "no rule got as far as the parse";
}

TEST(RuleSip, TextWrittenElsewhereInTheValueIsCheckedOnTheParse) {
  auto r = parsedFor(kRuleInvite, sip::FieldSet::Keys);
  RuleSip sip(r);
  EXPECT_FALSE(fromUser("vip").matches(sip)) << "the display name is not the user";
  EXPECT_EQ(r.sip.set, sip::FieldSet::Dialog) << "parsed for the users";
  EXPECT_FALSE(fromUser("example").matches(sip)) << "nor is the host";
  EXPECT_TRUE(fromUser("alice").matches(sip));
  TraceRule header;
  header.match.header = TraceMatch::Header{"X-Trace", {}};
  EXPECT_TRUE(header.matches(sip)) << "from the parse's index now";
}

TEST(RuleSip, ADialogThatDoesNotParseMatchesOnlyRulesWithoutSipTests) {
  const std::string broken = sip::testing::crlf(
      "INVITE sip:carol@example.com SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\n"
      "From: <sip:alice@example.com;tag=a1\nTo: <sip:bob@example.com>\n"
      "Call-ID: rule-2@example.com\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
  auto r = parsedFor(broken, sip::FieldSet::Keys);
  RuleSip sip(r);
  TraceRule method;
  method.match.methods = {"INVITE"};
  EXPECT_FALSE(method.matches(sip)) << "the From does not parse";
  EXPECT_TRUE(r.sip.parse_error.has_value());
  EXPECT_TRUE(TraceRule{}.matches(sip)) << "a rule without SIP tests takes it";
}

// The same rules on the keys and on the dialog parse, over every message at hand: each rule
// names what that message's own parse found (its users, its method, a header it has), so the
// rules get past the cheap tests, and one names a user no message has.
TEST(RuleSip, KeysAnswerAsTheDialogParseOnEveryMessageAtHand) {
  std::vector<std::string> inputs = sip::testing::everyMessageAtHand();
  inputs.push_back(kRuleInvite);
  size_t matched = 0, parsed = 0;
  for (const std::string& bytes : inputs) {
    auto dialog = parsedFor(bytes, sip::FieldSet::Dialog);
    if (!dialog.parsed || !dialog.sip.isSip()) continue;
    const auto& f = dialog.sip.fields;
    std::vector<TraceRule> rules(6);
    rules[0].match.from_user = std::string(f.from_user);
    rules[1].match.to_user = std::string(f.to_user);
    rules[2].match.ruri_user = std::string(f.ruri_user);
    if (f.type == 1) rules[3].match.methods = {std::string(f.method)};
    rules[3].match.requests = f.type == 1;
    rules[4].match.header = TraceMatch::Header{"Call-ID", {}};
    rules[5] = fromUser("nobody-has-this-user");
    auto keys = parsedFor(bytes, sip::FieldSet::Keys);
    RuleSip on_keys(keys);
    RuleSip on_dialog(dialog);
    const std::string what = bytes.substr(0, 60);
    for (size_t i = 0; i < rules.size(); ++i) {
      const bool expected = rules[i].matches(on_dialog);
      EXPECT_EQ(rules[i].matches(on_keys), expected) << "rule " << i << ": " << what;
      matched += expected;
    }
    parsed += keys.sip.set == sip::FieldSet::Dialog;
  }
  EXPECT_GT(matched, 300u);
  EXPECT_GT(parsed, 60u);
}

}  // namespace
}  // namespace siphon::trace
