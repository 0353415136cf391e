// Reading [[route]] tables and capture_mode_rule: every key, and every mistake stops start-up
// (exit 2) naming the rule and the key.

#include "route/route_config.h"

#include <gtest/gtest.h>

namespace siphon::route {
namespace {

const std::vector<core::Endpoint> kListeners = {*core::Endpoint::parse("udp:0.0.0.0:9060"),
                                                *core::Endpoint::parse("tcp:0.0.0.0:9061")};

RuleScope scope(HepRoute::Mode mode = HepRoute::Mode::Sip, std::string name = "") {
  RuleScope s;
  s.listeners = &kListeners;
  s.capture_modes = {"east"};
  s.hep_route.mode = mode;
  s.hep_route.name = std::move(name);
  return s;
}

core::Result<RouteRule, core::Failure> rule(const std::string& body, const RuleScope& s = scope()) {
  auto file = core::ConfigFile::parse("[[route]]\n" + body, "r.toml");
  if (!file.has_value()) return core::unexpected(std::move(file).error());
  auto tables = file->getTables("route");
  if (!tables.has_value()) return core::unexpected(std::move(tables).error());
  return parseRouteTable((*tables)[0], "route #1", s);
}

TEST(RouteConfig, ReadsEveryKey) {
  auto r = rule(R"t(
hep_version = 3
payload_type = "rtcp"
capture_id = 2001
node = "sbc-1"
chunk = ["0x0011~^abc", "vlan_id=100", "auth_key"]
received_on = "tcp:0.0.0.0:9061"
sender = "10.0.0.0/8"
method = ["INVITE", "BYE"]
status = "4xx"
from_user = "alice"
to_user = "bob"
ruri_user = "carol"
header = "X-Trace=yes"
get_chunk = ["0x0011=custom_field2", "node=correlation"]
set_chunk = ["0x000c=2999", "node=edge-$hep_net(proto_id)"]
del_chunk = ["0x000e"]
table = "sip_capture_east_%Y%m%d"
custom_field1 = "east"
relay = ["udp:127.0.0.1:9070", "tcp:127.0.0.1:9071"]
store = false
drop_on_error = true
)t");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto& m = r->match;
  EXPECT_EQ(m.hep_version, 3);
  EXPECT_EQ(m.payload_type, 5);
  EXPECT_EQ(m.capture_id, 2001u);
  EXPECT_EQ(m.node, "sbc-1");
  ASSERT_EQ(m.chunks.size(), 3u);
  EXPECT_EQ(m.chunks[0].test.op, TextTest::Op::Regex);
  EXPECT_EQ(m.chunks[1].test.op, TextTest::Op::Equal);
  EXPECT_EQ(m.chunks[2].test.op, TextTest::Op::Present);
  EXPECT_EQ(m.listener, 1u);
  EXPECT_EQ(m.methods.size(), 2u);
  EXPECT_TRUE(m.status_class);
  EXPECT_EQ(m.status, 4);
  ASSERT_TRUE(m.header.has_value());
  EXPECT_EQ(m.header->name, "X-Trace");
  const auto& a = r->actions;
  EXPECT_EQ(a.get.size(), 2u);
  EXPECT_EQ(a.get[1].target, GetTarget::Correlation);
  EXPECT_EQ(a.set.size(), 2u);
  EXPECT_FALSE(a.set[1].value.isLiteral());
  EXPECT_EQ(a.del.size(), 1u);
  EXPECT_EQ(a.table, "sip_capture_east_%Y%m%d");
  EXPECT_TRUE(a.custom_fields[0].has_value());
  EXPECT_EQ(a.relay.size(), 2u);
  EXPECT_FALSE(a.store);
  EXPECT_TRUE(a.drop_on_error);
}

TEST(RouteConfig, ReportCaptureAndCaptureMode) {
  auto r = rule(R"t(
payload_type = 5
report_capture = { correlation = "$hep(0x0011)", table = "rtcp_capture", proto_type = 5 }
)t");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_TRUE(r->actions.report.has_value());
  EXPECT_EQ(r->actions.report->table, "rtcp_capture");
  EXPECT_EQ(r->actions.report->proto_type, 5);
  auto m = rule("capture_id = 1\ncapture_mode = \"east\"\n");
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->actions.capture_mode, "east");
}

TEST(RouteConfig, MistakesStopStartUpNamingTheRuleAndKey) {
  struct Case {
    std::string body;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"typo = 1\n", "typo"},
      {"chunk = \"no_such_chunk=1\"\n", "unknown chunk"},
      {"chunk = \"0x0011~(\"\n", "regular expression"},
      {"set_chunk = [\"0x0001=10\"]\n", "family"},
      {"set_chunk = [\"timestamp=1\"]\n", "timestamps"},
      {"set_chunk = [\"0x000c=abc\"]\n", "not a value"},
      {"set_chunk = [\"0x000c\"]\n", "ID=VALUE"},
      {"set_chunk = [\"node=$nope\"]\n", "pseudo-variable"},
      {"del_chunk = [\"payload\"]\n", "payload"},
      {"get_chunk = [\"0x0011=somewhere\"]\n", "unknown field"},
      {"received_on = \"udp:1.2.3.4:1\"\n", "not one of the listeners"},
      {"sender = \"10.0.0.0/99\"\n", "sender"},
      {"status = \"abc\"\n", "status"},
      {"payload_type = \"nonsense\"\n", "payload_type"},
      {"capture_mode = \"west\"\n", "capture_mode"},
      {"relay = [\"udp:127.0.0.1:0\"]\n", "relay"},
      {"report_capture = { table = \"x\" }\n", "correlation is required"},
      {"report_capture = { correlation = \"c\", bogus = 1 }\n", "bogus"},
      {"report_capture = { correlation = \"c\" }\ntable = \"t\"\n", "report_capture chooses"},
      {"name = \"fast\"\n", "hep_route"},
      {"resume_sip = true\n", "resume_sip"},
  };
  for (const auto& c : cases) {
    auto r = rule(c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().message.find("route #1"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos)
        << c.body << " -> " << r.error().message;
  }
}

TEST(RouteConfig, NamedRoutesSeeOnlyHepChunks) {
  const auto named = scope(HepRoute::Mode::Named, "fast");
  EXPECT_TRUE(rule("name = \"fast\"\npayload_type = 5\nresume_sip = true\n", named).has_value());
  auto sip = rule("name = \"fast\"\nmethod = \"INVITE\"\n", named);
  ASSERT_FALSE(sip.has_value());
  EXPECT_NE(sip.error().message.find("parsed SIP"), std::string::npos);
  auto tpl = rule("name = \"fast\"\ncustom_field1 = \"$sip(call_id)\"\n", named);
  ASSERT_FALSE(tpl.has_value());
  auto other = rule("name = \"slow\"\n", named);
  ASSERT_FALSE(other.has_value());
  auto none = rule("capture_id = 1\n", scope(HepRoute::Mode::None));
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message.find("none"), std::string::npos);
}

TEST(RouteConfig, AnchoredRegexesGetALiteralPrefixThatNeverRejectsAMatch) {
  struct Case {
    const char* re;
    const char* prefix;
    const char* matching;
  };
  const Case cases[] = {{"^abc", "abc", "abcdef"}, {"^ab?c", "a", "ac"}, {"^abc+", "abc", "abccc"},
                        {"^a|b", "", "b"},         {"abc", "", "xabc"},  {"^ab*", "a", "a"},
                        {"^x\\.y", "x", "x.y"},    {"^a{0,2}b", "", "b"}};
  for (const auto& c : cases) {
    auto r = rule(std::string("chunk = '0x0011~") + c.re + "'\n");
    ASSERT_TRUE(r.has_value()) << c.re << ": " << r.error().message;
    const TextTest& t = r->match.chunks[0].test;
    EXPECT_EQ(t.anchored_prefix, c.prefix) << c.re;
    EXPECT_TRUE(t.holds(std::string_view(c.matching))) << c.re << " on " << c.matching;
  }
}

TEST(RouteConfig, HepRouteValues) {
  EXPECT_EQ(HepRoute::parse("NONE")->mode, HepRoute::Mode::None);
  EXPECT_EQ(HepRoute::parse("sip")->mode, HepRoute::Mode::Sip);
  auto named = HepRoute::parse("east");
  EXPECT_EQ(named->mode, HepRoute::Mode::Named);
  EXPECT_EQ(named->name, "east");
}

TEST(CaptureModeRule, BecomesARoutingRule) {
  auto r = parseCaptureModeRule(
      " capture_id=2001 ; node=sbc1;payload_type=5;listen=tcp:0.0.0.0:9061 => east ",
      "capture_mode_rule #1", scope());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->match.capture_id, 2001u);
  EXPECT_EQ(r->match.node, "sbc1");
  EXPECT_EQ(r->match.payload_type, 5);
  EXPECT_EQ(r->match.listener, 1u);
  EXPECT_EQ(r->actions.capture_mode, "east");
  for (const char* bad :
       {"capture_id=1", "capture_id=x => east", "node=a => west", " => east",
        "listen=udp:9.9.9.9:1 => east", "colour=red => east", "capture_id => east"}) {
    auto e = parseCaptureModeRule(bad, "capture_mode_rule #1", scope());
    ASSERT_FALSE(e.has_value()) << bad;
    EXPECT_NE(e.error().message.find("capture_mode_rule"), std::string::npos);
    EXPECT_EQ(e.error().exit_code, 2);
  }
}

TEST(RouteConfig, ListenersResolveAgainAfterTheCommandLineChangedThem) {
  auto r = rule("received_on = \"tcp:0.0.0.0:9061\"\n");
  ASSERT_TRUE(r.has_value());
  std::vector<RouteRule> rules = {*r};
  const std::vector<core::Endpoint> moved = {*core::Endpoint::parse("tcp:0.0.0.0:9061")};
  ASSERT_TRUE(resolveListeners(rules, moved).has_value());
  EXPECT_EQ(rules[0].match.listener, 0u);
  const std::vector<core::Endpoint> gone = {*core::Endpoint::parse("udp:0.0.0.0:9060")};
  EXPECT_FALSE(resolveListeners(rules, gone).has_value());
}

}  // namespace
}  // namespace siphon::route
