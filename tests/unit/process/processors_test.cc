// Each processor on its own: what it reads, what it annotates, what it drops and counts.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/byte_reader.h"
#include "process/arrival_time.h"
#include "process/auth_key.h"
#include "process/capture_switch.h"
#include "process/sip_parse.h"
#include "process/table_routing.h"
#include "process/xsiptrace_read.h"
#include "sip/xheaders.h"
#include "support/fake_clock.h"
#include "support/records.h"

namespace siphon::process {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: proc-1@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

record::Record recordOf(std::string_view payload, support::CaptureSpec spec = {}) {
  return record::Record(support::makeCapture(payload, spec));
}

TEST(CaptureSwitchProcessor, DropsWhileOffAndCountsUnderItsReason) {
  CaptureSwitch state;
  CaptureSwitchProcessor capture(state, CaptureSwitchProcessor::Kind::Capture);
  CaptureSwitchProcessor trace(state, CaptureSwitchProcessor::Kind::Trace);
  auto r = recordOf(kInvite);
  EXPECT_EQ(capture.process(r), Verdict::Keep);
  state.hep_capture_on = false;
  EXPECT_EQ(capture.process(r), Verdict::Drop);
  state.hep_capture_on = true;
  state.capture_on = false;
  EXPECT_EQ(trace.process(r), Verdict::Drop);
  EXPECT_EQ(capture.stats().snapshot().dropped("capture_off"), 1u);
  EXPECT_EQ(trace.stats().snapshot().dropped("trace_off"), 1u);
}

TEST(AuthKeyProcessor, HepMustCarryTheKeyPlainCopiesAreNotChecked) {
  AuthKeyProcessor auth("s3cret");
  auto none = recordOf(kInvite);
  EXPECT_EQ(auth.process(none), Verdict::Drop);
  auto wrong = recordOf(kInvite);
  wrong.capture.meta.has_auth_key = true;
  wrong.capture.meta.auth_key = "guess";
  EXPECT_EQ(auth.process(wrong), Verdict::Drop);
  auto right = recordOf(kInvite);
  right.capture.meta.has_auth_key = true;
  right.capture.meta.auth_key = "s3cret";
  EXPECT_EQ(auth.process(right), Verdict::Keep);
  support::CaptureSpec plain;
  plain.hep_version = 0;
  auto copy = recordOf(kInvite, plain);
  EXPECT_EQ(auth.process(copy), Verdict::Keep);
  EXPECT_EQ(auth.stats().snapshot().dropped("auth_key"), 2u);
}

TEST(ArrivalTimeProcessor, StampsOnlyRecordsWithoutTimeFromTheInjectedClock) {
  support::FakeClock clock(1'234'567'890'123'456);
  ArrivalTimeProcessor arrival(clock);
  support::CaptureSpec none;
  none.ts_us = 0;
  auto untimed = recordOf(kInvite, none);
  EXPECT_EQ(arrival.process(untimed), Verdict::Keep);
  EXPECT_EQ(untimed.meta().ts_sec, 1234567890u);
  EXPECT_EQ(untimed.meta().ts_usec, 123456u);
  auto timed = recordOf(kInvite);
  EXPECT_EQ(arrival.process(timed), Verdict::Keep);
  EXPECT_EQ(timed.meta().ts_sec, 1700000000u);
  EXPECT_EQ(arrival.stats().snapshot().count("stamped"), 1u);
}

TEST(XSiptraceReadProcessor, RewritesAPlainCopyFromItsHeadersAndDropsOneWithout) {
  sip::XHeaderValues v;
  v.fromip = "tcp:10.1.1.1:5060";
  v.toip = "tcp:10.2.2.2:5080";
  v.ts_sec = 1700000123;
  v.ts_usec = 456;
  v.method = "INVITE";
  v.dir = "in";
  auto with = sip::writeXHeaders(kInvite, v);
  ASSERT_TRUE(with.has_value());
  support::CaptureSpec plain;
  plain.hep_version = 0;
  XSiptraceReadProcessor read;
  auto r = recordOf(*with, plain);
  ASSERT_EQ(read.process(r), Verdict::Keep);
  EXPECT_EQ(core::asText(r.meta().payload), kInvite);
  EXPECT_EQ(r.meta().src_ip.toString(), "10.1.1.1");
  EXPECT_EQ(r.meta().dst_port, 5080);
  EXPECT_EQ(r.meta().ip_proto, 6);
  EXPECT_EQ(r.meta().ts_sec, 1700000123u);
  auto bare = recordOf(kInvite, plain);
  EXPECT_EQ(read.process(bare), Verdict::Drop);
  auto hep = recordOf(*with);  // HEP records pass untouched
  EXPECT_EQ(read.process(hep), Verdict::Keep);
  EXPECT_EQ(core::asText(hep.meta().payload), *with);
  EXPECT_EQ(read.stats().snapshot().dropped("no_xheaders"), 1u);
}

TEST(SipParseProcessor, FillsTheParseOnceAndCountsTheUnparsed) {
  SipParseProcessor parse({});
  auto good = recordOf(kInvite);
  EXPECT_EQ(parse.process(good), Verdict::Keep);
  EXPECT_TRUE(good.parsed);
  EXPECT_EQ(good.sip.fields.callid, "proc-1@example.com");
  EXPECT_EQ(good.sip.correlation_id, "proc-1@example.com");
  EXPECT_FALSE(good.sip.parse_error);
  auto bad = recordOf("INVITE this is not SIP\r\n\r\n");
  EXPECT_EQ(parse.process(bad), Verdict::Keep);  // kept, raw, with its reason
  EXPECT_TRUE(bad.sip.parse_error.has_value());
  auto s = parse.stats().snapshot();
  EXPECT_EQ(s.count("unparsed_sip"), 1u);
  EXPECT_TRUE(parse.parsesSip());
}

TEST(SipParseProcessor, TheDialogSetIsNotAParseForTheStores) {
  SipParseProcessor parse({}, sip::FieldSet::Dialog);
  auto good = recordOf(kInvite);
  EXPECT_EQ(parse.process(good), Verdict::Keep);
  EXPECT_TRUE(good.parsed);
  EXPECT_EQ(good.sip.fields.callid, "proc-1@example.com");
  EXPECT_FALSE(parse.parsesSip()) << "a store sink needs the whole parse";
}

TEST(TableRoutingProcessor, PicksTheLanesTableAndTheReportTablesByPayloadType) {
  auto routing = TableRouting::parse("sip_a|sip_b", "hash", "call_id");
  ASSERT_TRUE(routing.has_value());
  TableRoutingProcessor tables({{2, *routing}});
  SipParseProcessor parse({});
  auto r = recordOf(kInvite);
  r.lanes.set(2);
  (void)parse.process(r);
  EXPECT_EQ(tables.process(r), Verdict::Keep);
  EXPECT_TRUE(r.table == "sip_a" || r.table == "sip_b") << r.table;
  auto again = recordOf(kInvite);
  again.lanes.set(2);
  (void)parse.process(again);
  (void)tables.process(again);
  EXPECT_EQ(again.table, r.table) << "hash of the Call-ID: the same table every time";
  support::CaptureSpec log;
  log.payload_type = 100;
  auto l = recordOf("{}", log);
  l.lanes.set(2);
  (void)tables.process(l);
  EXPECT_EQ(l.table, "logs_capture");
  auto elsewhere = recordOf(kInvite);
  elsewhere.lanes.set(4);  // no storage lane: no table
  (void)tables.process(elsewhere);
  EXPECT_TRUE(elsewhere.table.empty());
}

TEST(TableRouter, RoundRobinIsEvenUnderConcurrentSources) {
  auto routing = TableRouting::parse("t0|t1|t2|t3", "round_robin", "");
  ASSERT_TRUE(routing.has_value());
  const TableRouter router(*routing);
  sip::SipCaptureFields fields;
  std::vector<std::vector<size_t>> per_thread(4, std::vector<size_t>(4, 0));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i)
        ++per_thread[t][static_cast<size_t>(router.route(fields)[1] - '0')];
    });
  }
  for (auto& th : threads) th.join();
  for (size_t table = 0; table < 4; ++table) {
    size_t n = 0;
    for (const auto& counts : per_thread) n += counts[table];
    EXPECT_EQ(n, 10000u) << "table t" << table;
  }
}

TEST(TableNames, ExpandsStrftimeAtCaptureTimeOncePerSecond) {
  TableNames names;
  EXPECT_EQ(names.expand("sip_capture", 1'700'000'000'000'000), "sip_capture");
  EXPECT_EQ(names.expand("sip_%Y%m%d", 1'700'000'000'000'000), "sip_20231114");
  EXPECT_EQ(names.expand("sip_%Y%m%d", 1'700'000'000'000'000 + 86'400'000'000), "sip_20231115");
}

}  // namespace
}  // namespace siphon::process
