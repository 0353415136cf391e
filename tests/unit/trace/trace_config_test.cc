// Reading [[trace]] tables: every key of docs/CLI.md "Tracing rules", and the start-up errors
// (exit 2, naming the rule) for a bad value, an unknown key, and a key the scope lacks.

#include "trace/trace_config.h"

#include <gtest/gtest.h>

namespace siphon::trace {
namespace {

core::Result<std::vector<TraceRule>, core::Failure> read(const std::string& toml) {
  auto file = core::ConfigFile::parse(toml, "agent.toml");
  EXPECT_TRUE(file.has_value()) << (file.has_value() ? "" : file.error().message);
  return parseTraceRules(*file);
}

TEST(TraceConfig, ReadsEveryMatchKeyAndAction) {
  auto rules = read(R"t(
[[trace]]
method = ["INVITE", "bye"]
from_user = "alice"
to_user = "bob"
ruri_user = "carol"
source = "10.0.0.0/8"
destination = "10.1.2.3:5060"
header = "X-Trace~^y"
scope = " M "
flags = ""
correlation = "header:Replaces"
destinations = ["udp:127.0.0.1:9060", "sip:127.0.0.1:5888"]

[[trace]]
type = "reply"
correlation = "call-id"

[[trace]]
correlation = "vip-42"
traced_users = ["from_user", "ruri_user"]
table = "sip_trace_vip"

[[trace]]
drop = true
)t");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_EQ(rules->size(), 4u);
  const TraceRule& r = (*rules)[0];
  EXPECT_EQ(r.label, "agent.toml: trace #1");
  EXPECT_EQ(r.match.methods, (std::vector<std::string>{"INVITE", "bye"}));
  EXPECT_EQ(r.match.from_user, "alice");
  EXPECT_EQ(r.match.to_user, "bob");
  EXPECT_EQ(r.match.ruri_user, "carol");
  EXPECT_TRUE(r.match.source.has_value());
  EXPECT_TRUE(r.match.destination.has_value());
  ASSERT_TRUE(r.match.header.has_value());
  EXPECT_EQ(r.match.header->name, "X-Trace");
  EXPECT_EQ(r.match.header->test.op, core::TextTest::Op::Regex);
  EXPECT_EQ(r.actions.scope, TraceScope::Message);
  EXPECT_EQ(r.actions.side, TraceSide::Both);
  EXPECT_EQ(r.actions.correlation.kind, TraceCorrelation::Kind::Header);
  EXPECT_EQ(r.actions.correlation.value, "Replaces");
  EXPECT_EQ(r.actions.destinations.size(), 2u);
  EXPECT_EQ((*rules)[1].match.requests, false);
  EXPECT_EQ((*rules)[1].actions.correlation.kind, TraceCorrelation::Kind::CallId);
  EXPECT_EQ((*rules)[2].actions.correlation.kind, TraceCorrelation::Kind::Fixed);
  EXPECT_EQ((*rules)[2].actions.correlation.value, "vip-42");
  EXPECT_EQ((*rules)[2].actions.traced_users, (std::vector<std::string>{"from_user", "ruri_user"}));
  EXPECT_EQ((*rules)[2].actions.table, "sip_trace_vip");
  EXPECT_TRUE((*rules)[3].actions.drop);
}

TEST(TraceConfig, ScopeBKeysItsSessionsByXCidUnlessToldOtherwise) {
  auto rules = read(R"t(
[[trace]]
scope = "b"

[[trace]]
scope = " B "
session_header = "X-CID0; ;X-Call-Leg"
)t");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  EXPECT_EQ((*rules)[0].actions.scope, TraceScope::B2bSession);
  EXPECT_EQ((*rules)[0].actions.session_headers, (std::vector<std::string>{"X-CID"}));
  EXPECT_EQ((*rules)[1].actions.session_headers,
            (std::vector<std::string>{"X-CID0", "X-Call-Leg"}));
}

TEST(TraceConfig, NoTablesNoRules) {
  auto rules = read("trace_on = 1\n");
  ASSERT_TRUE(rules.has_value());
  EXPECT_TRUE(rules->empty());
}

TEST(TraceConfig, BadRulesStopStartUpNamingTheRule) {
  const std::pair<std::string, std::string> cases[] = {
      {"scope = \"x\"\n", "scope"},
      {"scope = \"mt\"\n", "scope"},
      {"flags = \"Cc\"\n", "flags"},
      {"source = \"10.0.0.0/33\"\n", "source"},
      {"destination = \"not an address\"\n", "destination"},
      {"header = \"=x\"\n", "empty name"},
      {"header = \"X~(\"\n", "bad regular expression"},
      {"type = \"both\"\n", "type"},
      {"method = [\"INVITE\"]\ntype = \"reply\"\n", "requests only"},
      {"correlation = \"header:\"\n", "header name"},
      {"correlation = \"\"\n", "correlation"},
      {"destinations = []\n", "destinations"},
      {"traced_users = [\"nobody\"]\n", "unknown field"},
      {"bogus = 1\n", "bogus"},
      {"drop = true\ncorrelation = \"x\"\n", "drop"},
      {"scope = \"t\"\nsession_header = \"X-CID\"\n", "only a rule with scope"},
      {"scope = \"b\"\nsession_header = \" ; ;\"\n", "no header name"},
      {"scope = \"b\"\nsession_header = \"X CID\"\n", "not a header name"},
      {"table = \"sip_capture\"\n", "table"},
      {"table = \"1abc\"\n", "table"},
      {"table = \"a;drop\"\n", "table"},
      {"listen = \"udp:\"\n", "listen"},
      {"listen = \"udp:host.example:5060\"\n", "listen"},
      {"interface = \"\"\n", "interface"},
      {"extra_correlation = \"\"\n", "extra_correlation"},
      {"extra_correlation = \"header: \"\n", "extra_correlation"},
      {"drop = true\nextra_correlation = \"replaces\"\n", "drop"},
  };
  for (const auto& [body, want] : cases) {
    auto rules = read("[[trace]]\nmethod = [\"OPTIONS\"]\n[[trace]]\n" + body);
    ASSERT_FALSE(rules.has_value()) << body;
    EXPECT_EQ(rules.error().exit_code, 2) << body;
    EXPECT_NE(rules.error().message.find("trace #2"), std::string::npos) << rules.error().message;
    EXPECT_NE(rules.error().message.find(want), std::string::npos)
        << body << " -> " << rules.error().message;
  }
}

}  // namespace
}  // namespace siphon::trace
