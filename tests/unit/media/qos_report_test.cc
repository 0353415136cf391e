// The JSON QoS reports RTP agents send as HEP types 34 and 35 (and 32/99): the full report's
// fields, the short one's, tolerated spellings, what is not a report; and their streams.
// The sample reports are written after the field list HEPGEN's example configuration sends
// (REPORT_NAME, TOTAL_PK, EXPECTED_PK, PACKET_LOSS, JITTER in ms, MOS, ...), with our own values.

#include "media/qos_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/stream_quality.h"

namespace siphon::media {
namespace {

std::string fullReport(const std::string& src, int lost, double jitter, double mos, double ts) {
  return R"({"CORRELATION_ID":"qos-1@x","RTP_SIP_CALL_ID":"qos-1@x","DELTA":19.98,"JITTER":)" +
         std::to_string(jitter) + R"(,"REPORT_TS":)" + std::to_string(ts) +
         R"(,"TOTAL_PK":)" + std::to_string(1500 - lost) + R"(,"EXPECTED_PK":1500,"PACKET_LOSS":)" +
         std::to_string(lost) + R"(,"MAX_JITTER":)" + std::to_string(jitter * 3) +
         R"(,"MEAN_JITTER":)" + std::to_string(jitter) + R"(,"MIN_MOS":3.9,"MEAN_MOS":4.0,"MOS":)" +
         std::to_string(mos) + R"(,"RFACTOR":80.2,"SRC_IP":")" + src +
         R"(","SRC_PORT":20000,"DST_IP":"10.0.0.2","DST_PORT":30000,"CODEC_NAME":"PCMA","CLOCK":8000,)"
         R"("DIR":0,"REPORT_NAME":")" + src + R"(:20000","PARTY":0,"TYPE":"PERIODIC"})";
}

TEST(QosReport, FullReportFields) {
  auto r = parseQosReport(fullReport("10.0.0.1", 15, 2.5, 4.1, 1700000000.25));
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->call_id, "qos-1@x");
  EXPECT_EQ(r->name, "10.0.0.1:20000");
  EXPECT_EQ(r->source, "10.0.0.1:20000");
  EXPECT_EQ(r->destination, "10.0.0.2:30000");
  EXPECT_EQ(r->codec, "PCMA");
  EXPECT_EQ(r->type, "PERIODIC");
  EXPECT_EQ(*r->packets, 1485);
  EXPECT_EQ(*r->expected, 1500);
  EXPECT_EQ(*r->lost, 15);
  EXPECT_DOUBLE_EQ(*r->jitter_ms, 2.5);
  EXPECT_DOUBLE_EQ(*r->mos, 4.1);
  EXPECT_DOUBLE_EQ(*r->report_time_s, 1700000000.25);
  EXPECT_EQ(r->streamKey(), "10.0.0.1:20000 -> 10.0.0.2:30000");
}

TEST(QosReport, ShortReportLowerCaseAndStringNumbers) {
  auto r = parseQosReport(R"({"CORRELATION_ID":"c@x","MOS":4.409,"RFACTOR":93.2,"DIR":1,"REPORT_NAME":"1.2.3.4","TYPE":"PERIODIC"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->call_id, "c@x");
  EXPECT_DOUBLE_EQ(*r->mos, 4.409);
  EXPECT_FALSE(r->packets.has_value());
  EXPECT_EQ(r->streamKey(), "1.2.3.4#1");
  auto lower = parseQosReport(R"({"mos":"3.5","jitter":"7","report_name":"x","src_ip":"::1","src_port":"5004"})");
  ASSERT_TRUE(lower.has_value());
  EXPECT_DOUBLE_EQ(*lower->mos, 3.5);
  EXPECT_DOUBLE_EQ(*lower->jitter_ms, 7);
  EXPECT_EQ(lower->source, "[::1]:5004");
}

TEST(QosReport, WhatIsNotAReport) {
  EXPECT_EQ(parseQosReport("not json").error().code, MediaErrc::BadJson);
  EXPECT_EQ(parseQosReport("[1,2]").error().code, MediaErrc::BadJson);
  EXPECT_EQ(parseQosReport(R"({"REPORT_NAME":"x","MOS":"high","JITTER":null})").error().code, MediaErrc::Empty);
  auto odd = parseQosReport(R"({"MOS":4,"SRC_PORT":99999,"SRC_IP":"10.0.0.1","TOTAL_PK":1e300})");
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->source, "10.0.0.1");  // a port out of range is left off
  EXPECT_FALSE(odd->packets.has_value());
}

// Two directions of one call, three periodic reports each way: a stream per direction with
// the last report's counts, the mean jitter, the largest maximum, the last MOS.
TEST(QosReport, StreamsPerDirection) {
  std::vector<QosObservation> obs;
  for (int i = 0; i < 3; ++i) {
    obs.push_back({1'700'000'000'000'000 + i * 5'000'000,
                   *parseQosReport(fullReport("10.0.0.1", 5 * i, 1.0 + i, 4.2 - 0.1 * i, 1700000000.0 + 5 * i))});
    obs.push_back({1'700'000'000'000'000 + i * 5'000'000,
                   *parseQosReport(fullReport("10.0.0.3", 0, 0.5, 4.4, 1700000000.0 + 5 * i))});
  }
  const auto streams = streamsFromQos(obs);
  ASSERT_EQ(streams.size(), 2u);
  const StreamQuality& a = streams[0];
  EXPECT_EQ(a.origin, "hep-qos");
  EXPECT_EQ(a.name, "10.0.0.1:20000");
  EXPECT_EQ(a.from, "10.0.0.1:20000");
  EXPECT_EQ(a.to, "10.0.0.2:30000");
  EXPECT_EQ(a.packets, 1490u);
  EXPECT_EQ(a.lost, 10);
  EXPECT_NEAR(a.loss_pct, 100.0 * 10 / 1500, 1e-9);
  EXPECT_DOUBLE_EQ(a.avg_jitter_ms, 2.0);
  EXPECT_DOUBLE_EQ(a.max_jitter_ms, 9.0);
  EXPECT_DOUBLE_EQ(a.mos, 4.0);
  EXPECT_TRUE(a.mos_from_xr);
  EXPECT_EQ(a.reports, 3u);
  ASSERT_EQ(a.samples.size(), 3u);
  EXPECT_EQ(a.samples[2].micros, 1'700'000'010'000'000);
  EXPECT_EQ(streams[1].lost, 0);
}

}  // namespace
}  // namespace siphon::media
