// RTCP and other reports joined to a call by correlation id, and the call's media quality.

#include "query/call_quality.h"

#include <gtest/gtest.h>

#include "query/embedded_reader.h"
#include "query_fixture.h"

namespace siphon::query {
namespace {

using testing::basicCall;
using testing::Msg;
using testing::TempStore;

constexpr int64_t kQualityT0 = 1'700'000'000'000'000;

// The captagent RTCP-JSON report of tests/data/pcap/hep-wireshark__hep.pcap: an SR of SSRC
// 451916597 (106 packets sent) with a report block about SSRC 898343773 (jitter 1).
const std::string kRtcpJson =
    R"({"sender_information":{"ntp_timestamp_sec":3650797214,"packets":106,"ntp_timestamp_usec":13217348104192,"octets":16960,"rtp_timestamp":16960},"ssrc":451916597,"type":200,"report_blocks":[{"source_ssrc":898343773,"highest_seq_no":20881,"fraction_lost":0,"ia_jitter":1,"packets_lost":0,"lsr":-1097006646,"dlsr":7733}],"report_count":0})";

Msg report(const std::string& payload, uint8_t payload_type, const std::string& correlation, int64_t ts) {
  Msg m;
  m.payload = payload;
  m.payload_type = payload_type;
  m.correlation = correlation;
  m.ts_us = ts;
  m.src = "10.0.0.1";
  m.sport = 4001;
  m.dst = "10.0.0.2";
  m.dport = 6001;
  return m;
}

CallResult assembleQuality(TempStore& store, const std::string& call_id) {
  EmbeddedReader reader(store.open(), record::CaptureRowOptions{});
  CallQuery q;
  q.call_id = call_id;
  auto r = assembleCall(reader, q);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? std::move(*r) : CallResult{};
}

TEST(CallQuality, RtcpJoinsByCorrelationIdBesideTheLadder) {
  TempStore store;
  auto msgs = basicCall("q@x", "10.0.0.1", "10.0.0.2", kQualityT0);
  msgs.push_back(report(kRtcpJson, 5, "q@x", kQualityT0 + 2'000'000));
  msgs.push_back(report("call q@x: media started", 100, "q@x", kQualityT0 + 1'000'000));
  msgs.push_back(report(kRtcpJson, 5, "other@x", kQualityT0 + 2'000'000));  // another call's
  store.write(msgs);

  const auto call = assembleQuality(store, "q@x");
  EXPECT_EQ(call.messages.size(), 7u);  // the ladder is SIP only
  ASSERT_EQ(call.legs.size(), 1u);      // no leg without a Call-ID
  ASSERT_EQ(call.reports.size(), 2u);
  EXPECT_EQ(call.reports[0].kind, record::RowKind::Log);  // capture-time order
  EXPECT_EQ(call.reports[1].kind, record::RowKind::Rtcp);

  const auto quality = callQuality(call);
  EXPECT_EQ(quality.rtcp_records, 1u);
  EXPECT_EQ(quality.unreadable, 0u);
  ASSERT_EQ(quality.streams.size(), 2u);
  EXPECT_EQ(quality.streams[0].ssrc, 451916597u);  // the SR's own stream
  EXPECT_EQ(quality.streams[0].packets, 106u);
  EXPECT_EQ(quality.streams[0].from, "10.0.0.1:4001");
  EXPECT_EQ(quality.streams[1].ssrc, 898343773u);  // reported on, flowing towards the reporter
  EXPECT_EQ(quality.streams[1].from, "10.0.0.2:6001");
  EXPECT_EQ(quality.streams[1].to, "10.0.0.1:4001");
  EXPECT_DOUBLE_EQ(quality.streams[1].max_jitter_ms, 0.125);
  const std::string line = streamSummaryLine(quality.streams[1]);
  EXPECT_NE(line.find("stream 0x358ba35d 10.0.0.2:6001 -> 10.0.0.1:4001"), std::string::npos) << line;
  EXPECT_NE(line.find("(estimated)"), std::string::npos) << line;
}

TEST(CallQuality, VqReportsInSipPublishAreStreamsToo) {
  TempStore store;
  auto msgs = basicCall("vq@x", "10.0.0.1", "10.0.0.2", kQualityT0);
  const std::string body =
      "VQSessionReport: CallTerm\r\nCallID: vq@x\r\nLocalAddr: IP=10.0.0.1 PORT=4000 SSRC=0x11\r\n"
      "RemoteAddr: IP=10.0.0.2 PORT=6000 SSRC=0x22\r\nLocalMetrics:\r\nPacketLoss: NLR=3.5 JDR=0.5\r\n"
      "Delay: RTD=80 IAJ=12\r\nQualityEst: MOSLQ=3.9\r\n";
  Msg publish;
  publish.payload = testing::sipText("PUBLISH", "vq@x", "z9hG4bK-vq", "1 PUBLISH",
                                     "Event: vq-rtcpxr\r\nContent-Type: application/vq-rtcpxr\r\n", body);
  publish.ts_us = kQualityT0 + 5'000'000;
  msgs.push_back(publish);
  store.write(msgs);
  const auto quality = callQuality(assembleQuality(store, "vq@x"));
  EXPECT_EQ(quality.vq_reports, 1u);
  EXPECT_EQ(quality.unreadable, 0u);
  ASSERT_EQ(quality.streams.size(), 1u);
  const auto& s = quality.streams[0];
  EXPECT_EQ(s.origin, "vq-rtcpxr");
  EXPECT_EQ(s.ssrc, 0x22u);
  EXPECT_EQ(s.from, "10.0.0.2:6000");
  EXPECT_DOUBLE_EQ(s.loss_pct, 3.5);
  EXPECT_DOUBLE_EQ(s.avg_jitter_ms, 12);
  EXPECT_DOUBLE_EQ(s.mos, 3.9);
  EXPECT_NE(streamSummaryLine(s).find("(vq-rtcpxr)"), std::string::npos);
}

// An RTP agent's JSON QoS reports (HEP 34 full, 35 short) joined by correlation id: a stream
// per report name, named so in the text ladder; an unreadable one is counted.
TEST(CallQuality, AgentQosReportsAreStreams) {
  TempStore store;
  auto msgs = basicCall("qos@x", "10.0.0.1", "10.0.0.2", kQualityT0);
  msgs.push_back(
      report(R"({"RTP_SIP_CALL_ID":"qos@x","TOTAL_PK":990,"EXPECTED_PK":1000,"PACKET_LOSS":10,)"
             R"("JITTER":3.5,"MAX_JITTER":8,"MOS":4.05,"SRC_IP":"10.0.0.1","SRC_PORT":4000,)"
             R"("DST_IP":"10.0.0.2","DST_PORT":6000,"REPORT_NAME":"caller-rx","TYPE":"HANGUP"})",
             34, "qos@x", kQualityT0 + 3'000'000));
  msgs.push_back(
      report(R"({"CORRELATION_ID":"qos@x","MOS":4.2,"RFACTOR":90,"DIR":1,"REPORT_NAME":"callee"})",
             35, "qos@x", kQualityT0 + 3'000'000));
  msgs.push_back(report("{broken", 34, "qos@x", kQualityT0 + 4'000'000));
  store.write(msgs);
  const auto quality = callQuality(assembleQuality(store, "qos@x"));
  EXPECT_EQ(quality.qos_reports, 3u);
  EXPECT_EQ(quality.unreadable, 1u);
  ASSERT_EQ(quality.streams.size(), 2u);
  const auto& s = quality.streams[0];
  EXPECT_EQ(s.origin, "hep-qos");
  EXPECT_EQ(s.packets, 990u);
  EXPECT_EQ(s.lost, 10);
  EXPECT_DOUBLE_EQ(s.loss_pct, 1.0);
  EXPECT_DOUBLE_EQ(s.mos, 4.05);
  const std::string line = streamSummaryLine(s);
  EXPECT_NE(line.find("stream caller-rx (hep-qos) 10.0.0.1:4000 -> 10.0.0.2:6000  packets 990  lost 10 (1.0%)"),
            std::string::npos) << line;
  EXPECT_NE(line.find("MOS 4.0 (reported)"), std::string::npos) << line;
  EXPECT_DOUBLE_EQ(quality.streams[1].mos, 4.2);
}

// RTCP a capture agent stored without a correlation id joins the call whose SDP named its
// addresses (offer 10.0.0.1:4000, answer 10.0.0.2:6000: RTCP on 4001 and 6001), within the
// call's time; RTCP on other ports, later than 10 s after the call, or with another call's
// correlation id does not.
TEST(CallQuality, RtcpWithoutCorrelationJoinsBySdpAddresses) {
  TempStore store;
  const std::string offer = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  const std::string answer = "v=0\r\no=- 2 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
  const std::string sdp = "Content-Type: application/sdp\r\n";
  std::vector<Msg> msgs;
  auto add = [&](std::string text, bool up, int64_t at) {
    Msg m;
    m.payload = std::move(text);
    m.src = up ? "10.0.0.1" : "10.0.0.2";
    m.dst = up ? "10.0.0.2" : "10.0.0.1";
    m.ts_us = kQualityT0 + at;
    msgs.push_back(std::move(m));
  };
  add(testing::sipText("INVITE", "sdp@x", "z9hG4bK-s1", "1 INVITE", sdp, offer), true, 0);
  add(testing::sipText("200 OK", "sdp@x", "z9hG4bK-s1", "1 INVITE", sdp, answer), false, 1'000'000);
  add(testing::sipText("BYE", "sdp@x", "z9hG4bK-s2", "2 BYE"), true, 30'000'000);
  msgs.push_back(
      report(kRtcpJson, 5, "", kQualityT0 + 5'000'000));  // 10.0.0.1:4001 -> 10.0.0.2:6001
  Msg reverse = report(kRtcpJson, 5, "", kQualityT0 + 6'000'000);
  std::swap(reverse.src, reverse.dst);
  std::swap(reverse.sport, reverse.dport);
  msgs.push_back(reverse);
  Msg other_port = report(kRtcpJson, 5, "", kQualityT0 + 7'000'000);
  other_port.sport = other_port.dport = 7001;
  msgs.push_back(other_port);
  msgs.push_back(report(kRtcpJson, 5, "", kQualityT0 + 45'000'000));          // after the call
  msgs.push_back(report(kRtcpJson, 5, "another@x", kQualityT0 + 8'000'000));  // another call's
  store.write(msgs);
  const auto call = assembleQuality(store, "sdp@x");
  EXPECT_EQ(call.messages.size(), 3u);
  EXPECT_EQ(call.reports_by_sdp, 2u);
  ASSERT_EQ(call.reports.size(), 2u);
  EXPECT_EQ(call.reports[0].micros(), kQualityT0 + 5'000'000);
  EXPECT_EQ(call.reports[1].micros(), kQualityT0 + 6'000'000);
  EXPECT_EQ(callQuality(call).rtcp_records, 2u);
}

TEST(CallQuality, UnreadableRtcpIsCountedNotSummed) {
  TempStore store;
  auto msgs = basicCall("u@x", "10.0.0.1", "10.0.0.2", kQualityT0);
  msgs.push_back(report("\x01\x02 not rtcp", 5, "u@x", kQualityT0 + 1));
  store.write(msgs);
  const auto quality = callQuality(assembleQuality(store, "u@x"));
  EXPECT_EQ(quality.rtcp_records, 1u);
  EXPECT_EQ(quality.unreadable, 1u);
  EXPECT_TRUE(quality.streams.empty());
}

}  // namespace
}  // namespace siphon::query
