// The routing processors on records: first match wins, the actions in their order and their
// effect on lanes, the named (HEP-only) phase against the SIP phase, failed actions counted by
// reason, report_capture, and the loop guard.

#include "route/route_processor.h"

#include <gtest/gtest.h>

#include "hep/siphon_chunks.h"
#include "process/sip_parse.h"
#include "route/relay_guard.h"
#include "route/route_config.h"
#include "support/records.h"

namespace siphon::route {
namespace {

const std::string kInvite =
    "INVITE sip:carol@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: route-1@example.com\r\nCSeq: 1 INVITE\r\nX-Trace: yes-please\r\nContent-Length: "
    "0\r\n\r\n";
const std::string kBusy =
    "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
    "Call-ID: route-1@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

const std::vector<core::Endpoint> kListeners = {*core::Endpoint::parse("udp:0.0.0.0:9060")};
const core::Endpoint kRelay = *core::Endpoint::parse("udp:127.0.0.1:9070");

// Lanes: 0 the default store, 1 capture_mode "east", 2 the relay.
RouteLanes lanes() {
  RouteLanes l;
  l.storage = {0, 1};
  l.capture_modes = {"east"};
  l.relays = {{kRelay, 2}};
  return l;
}

std::vector<RouteRule> rules(const std::string& toml, HepRoute::Mode mode = HepRoute::Mode::Sip) {
  auto file = core::ConfigFile::parse(toml, "r.toml");
  EXPECT_TRUE(file.has_value()) << (file.has_value() ? "" : file.error().message);
  RuleScope scope;
  scope.listeners = &kListeners;
  scope.capture_modes = {"east"};
  scope.hep_route.mode = mode;
  scope.hep_route.name = "fast";
  std::vector<RouteRule> out;
  auto tables = file->getTables("route");
  for (auto& t : *tables) {
    auto r = parseRouteTable(t, t.name(), scope);
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message);
    if (r.has_value()) out.push_back(std::move(*r));
  }
  return out;
}

record::Record recordOf(std::string_view payload, support::CaptureSpec spec = {}) {
  record::Record r(support::makeCapture(payload, spec));
  r.lanes.set(0);  // the pipeline's default
  return r;
}

record::Record parsed(std::string_view payload, support::CaptureSpec spec = {}) {
  auto r = recordOf(payload, std::move(spec));
  process::SipParseProcessor parse({});
  (void)parse.process(r);
  return r;
}

TEST(RouteProcessor, FirstMatchAppliesItsEditsAndLanes) {
  RouteProcessor p(RouteProcessor::Phase::Sip, rules(R"t(
[[route]]
capture_id = 9
drop = true
[[route]]
capture_id = 7
method = "INVITE"
header = "X-Trace~^yes"
get_chunk = ["0x000c=custom_field3"]
set_chunk = ["0x000c=2999", "node=edge-$hep_net(proto_id)", "correlation_id=$sip(from_user)-x"]
del_chunk = ["0x0013"]
custom_field1 = "east"
relay = ["udp:127.0.0.1:9070"]
capture_mode = "east"
[[route]]
capture_id = 7
drop = true
)t"),
                   lanes(), kListeners);
  support::CaptureSpec spec;
  spec.node = "agent-node";
  auto r = parsed(kInvite, spec);
  ASSERT_EQ(p.process(r), process::Verdict::Keep);
  const auto& m = r.meta();
  EXPECT_EQ(m.capture_id, 2999u);
  EXPECT_EQ(m.node_name, "") << "set, then deleted: the order is get, set, del";
  EXPECT_EQ(m.correlation_id, "alice-x");
  EXPECT_EQ(r.sip.correlation_id, "alice-x") << "the parse follows the edit";
  EXPECT_EQ(r.sip.fields.custom_field1, "east");
  EXPECT_EQ(r.sip.fields.custom_field3, "7") << "get_chunk reads the packet as it came";
  EXPECT_EQ(hep::customFieldChunk(m, 1), "east") << "kept as a chunk for the stores and relays";
  EXPECT_FALSE(r.lanes.test(0));
  EXPECT_TRUE(r.lanes.test(1));
  EXPECT_TRUE(r.lanes.test(2));
  auto s = p.stats().snapshot();
  EXPECT_EQ(s.count("matched"), 1u);
  EXPECT_EQ(s.count("relayed"), 1u);

  auto reply = parsed(kBusy, spec);
  EXPECT_EQ(p.process(reply), process::Verdict::Drop)
      << "rule 2 is for INVITE requests: rule 3 wins";
  EXPECT_EQ(p.stats().snapshot().dropped("route_drop"), 1u);
}

TEST(RouteProcessor, StatusClassesUsersAndStoreOff) {
  RouteProcessor p(RouteProcessor::Phase::Sip, rules(R"t(
[[route]]
status = "4xx"
to_user = "bob"
store = false
relay = ["udp:127.0.0.1:9070"]
)t"),
                   lanes(), kListeners);
  auto busy = parsed(kBusy);
  ASSERT_EQ(p.process(busy), process::Verdict::Keep);
  EXPECT_FALSE(busy.lanes.test(0));
  EXPECT_TRUE(busy.lanes.test(2));
  auto invite = parsed(kInvite);
  ASSERT_EQ(p.process(invite), process::Verdict::Keep);
  EXPECT_TRUE(invite.lanes.test(0)) << "no rule matches: stored as today";
  EXPECT_FALSE(invite.lanes.test(2));
}

TEST(RouteProcessor, FailedActionsAreCountedAndKeepThePacketUnlessTheRuleSays) {
  RouteProcessor p(RouteProcessor::Phase::Sip, rules(R"t(
[[route]]
payload_type = 1
hep_version = 2
set_chunk = ["0x000c=1"]
[[route]]
capture_id = 7
del_chunk = ["vlan_id"]
[[route]]
capture_id = 8
del_chunk = ["vlan_id"]
drop_on_error = true
)t"),
                   lanes(), kListeners);
  support::CaptureSpec v2;
  v2.hep_version = 2;
  auto old = parsed(kInvite, v2);
  EXPECT_EQ(p.process(old), process::Verdict::Keep);
  auto missing = parsed(kInvite);
  EXPECT_EQ(p.process(missing), process::Verdict::Keep);
  support::CaptureSpec eight;
  eight.capture_id = 8;
  auto strict = parsed(kInvite, eight);
  EXPECT_EQ(p.process(strict), process::Verdict::Drop);
  auto s = p.stats().snapshot();
  EXPECT_EQ(s.count("set_not_hep3"), 1u);
  EXPECT_EQ(s.count("del_not_found"), 2u);
  EXPECT_EQ(s.dropped("route_action_error"), 1u);
}

TEST(RouteProcessor, NamedRouteFinishesWhatItTakesWithoutTheSipParse) {
  RouteProcessor hep(RouteProcessor::Phase::Hep,
                     rules(R"t(
[[route]]
name = "fast"
payload_type = 5
report_capture = { correlation = "$hep(0x0011)", table = "rtcp_capture" }
[[route]]
name = "fast"
capture_id = 7
store = false
relay = ["udp:127.0.0.1:9070"]
[[route]]
name = "fast"
capture_id = 8
resume_sip = true
custom_field2 = "resumed"
[[route]]
capture_id = 8
table = "after_resume"
[[route]]
capture_id = 7
drop = true
)t",
                           HepRoute::Mode::Named),
                     lanes(), kListeners);
  // The same rules, SIP phase: the unnamed ones (the pipeline splits them by name).
  auto all = rules(R"t(
[[route]]
capture_id = 8
table = "after_resume"
[[route]]
capture_id = 7
drop = true
)t");
  RouteProcessor sip(RouteProcessor::Phase::Sip, std::move(all), lanes(), kListeners);
  process::SipParseProcessor parse({});

  auto relay_only = recordOf(kInvite);
  ASSERT_EQ(hep.process(relay_only), process::Verdict::Keep);
  EXPECT_TRUE(relay_only.route_done);
  EXPECT_TRUE(relay_only.skip_sip_parse) << "no lane reads its SIP";
  (void)parse.process(relay_only);
  EXPECT_FALSE(relay_only.parsed);
  EXPECT_EQ(sip.process(relay_only), process::Verdict::Keep) << "the SIP phase does not see it";
  EXPECT_TRUE(relay_only.lanes.test(2));
  EXPECT_FALSE(relay_only.lanes.test(0));

  support::CaptureSpec eight;
  eight.capture_id = 8;
  auto resumed = recordOf(kInvite, eight);
  ASSERT_EQ(hep.process(resumed), process::Verdict::Keep);
  EXPECT_FALSE(resumed.route_done);
  (void)parse.process(resumed);
  EXPECT_EQ(resumed.sip.fields.custom_field2, "resumed") << "set before the parse, kept by it";
  ASSERT_EQ(sip.process(resumed), process::Verdict::Keep);
  EXPECT_EQ(resumed.table, "after_resume");

  support::CaptureSpec rtcp;
  rtcp.payload_type = 5;
  rtcp.correlation = "call-7@example.com";
  rtcp.capture_id = 3;
  auto report = recordOf("{\"type\":200}", rtcp);
  ASSERT_EQ(hep.process(report), process::Verdict::Keep);
  EXPECT_EQ(report.table, "rtcp_capture");
  EXPECT_TRUE(report.lanes.test(0)) << "report_capture stores";
  EXPECT_FALSE(report.skip_sip_parse);
  (void)parse.process(report);
  EXPECT_EQ(report.sip.kind, record::RowKind::Rtcp);
  EXPECT_EQ(report.sip.correlation_id, "call-7@example.com");
  auto s = hep.stats().snapshot();
  EXPECT_EQ(s.count("reported"), 1u);
  EXPECT_EQ(s.count("resumed"), 1u);
}

TEST(RouteProcessor, ReportCaptureAfterTheParseTurnsTheRowIntoAReport) {
  RouteProcessor p(RouteProcessor::Phase::Sip, rules(R"t(
[[route]]
method = "INVITE"
report_capture = { correlation = "$sip(call_id)", table = "report_capture", proto_type = 32 }
)t"),
                   lanes(), kListeners);
  auto r = parsed(kInvite);
  ASSERT_EQ(p.process(r), process::Verdict::Keep);
  EXPECT_EQ(r.table, "report_capture");
  EXPECT_EQ(r.meta().payload_type, 32);
  EXPECT_EQ(r.sip.kind, record::RowKind::Report);
  EXPECT_EQ(r.meta().correlation_id, "route-1@example.com");
}

TEST(RelayGuard, DropsWhatCameBackAndWhatWentTooFar) {
  RelayGuardProcessor guard(0x01020304, 3);
  auto path = [](std::initializer_list<uint32_t> ids) {
    std::string v;
    for (uint32_t id : ids) {
      for (int s = 24; s >= 0; s -= 8) v += static_cast<char>((id >> s) & 0xff);
    }
    support::CaptureSpec spec;
    spec.chunks.push_back({hep::kSiphonVendor, hep::kRelayPathChunk, v});
    return spec;
  };
  auto fresh = recordOf(kInvite);
  EXPECT_EQ(guard.process(fresh), process::Verdict::Keep);
  auto other = recordOf(kInvite, path({7, 8}));
  EXPECT_EQ(guard.process(other), process::Verdict::Keep);
  EXPECT_EQ(hep::relayPath(other.meta()), (std::vector<uint32_t>{7, 8}));
  auto loop = recordOf(kInvite, path({0x01020304, 9}));
  EXPECT_EQ(guard.process(loop), process::Verdict::Drop);
  auto far = recordOf(kInvite, path({1, 2, 3, 4}));
  EXPECT_EQ(guard.process(far), process::Verdict::Drop);
  auto s = guard.stats().snapshot();
  EXPECT_EQ(s.dropped("relay_loop"), 1u);
  EXPECT_EQ(s.dropped("relay_hop_limit"), 1u);
}

}  // namespace
}  // namespace siphon::route
