// RFC 6035 quality reports (SIP PUBLISH, application/vq-rtcpxr).

#include "media/vq_report.h"

#include <gtest/gtest.h>

#include <string>

#include "media/stream_quality.h"

namespace siphon::media {
namespace {

// The shape of RFC 6035 §4's example session report (values ours).
const std::string kSessionReport =
    "VQSessionReport: CallTerm\r\n"
    "CallID: 6dwd2cdp01c9@sip.example.com\r\n"
    "LocalID: <sip:alice@example.com>\r\n"
    "RemoteID: <sip:bob@example.com>\r\n"
    "LocalAddr: IP=10.10.1.100 PORT=5000 SSRC=0x2468abcd\r\n"
    "RemoteAddr: IP=11.1.1.150 PORT=5002 SSRC=0x1357ace0\r\n"
    "LocalMetrics:\r\n"
    "Timestamps: START=2004-10-10T18:23:43Z STOP=2004-10-10T19:00:00Z\r\n"
    "SessionDesc: PT=0 PD=PCMU SR=8000 FD=20 FO=20 FPP=1 PPS=50 PLC=3 SSUP=on\r\n"
    "JitterBuffer: JBA=3 JBR=2 JBN=40 JBM=80 JBX=120\r\n"
    "PacketLoss: NLR=5.0 JDR=2.0\r\n"
    "BurstGapLoss: BLD=0 BD=0 GLD=2.0 GD=500 GMIN=16\r\n"
    "Delay: RTD=200 ESD=140 SOWD=200 IAJ=2 MAJ=10\r\n"
    "Signal: SL=-21 NL=-50 RERL=55\r\n"
    "QualityEst: RLQ=90 RCQ=85 EXTRI=90 MOSLQ=4.2 MOSCQ=4.3 QoEEstAlg=P.564\r\n"
    "RemoteMetrics:\r\n"
    "PacketLoss: NLR=1.0 JDR=0.0\r\n"
    "Delay: RTD=200 IAJ=12\r\n";

// The PUBLISH body of tests/data/pcap/hep-wireshark__hep.pcap (HEPGEN writes "KEY:VALUE"; the
// capture cut the body short of its Content-Length).
const std::string kHepgenReport =
    "VQIntervalReport\nLocalMetrics:\nSessionDesc:PT=124 PD=opus SR=48000\n"
    "Timestamps:START=2015-02-28T21:04:31.000582Z STOP=2015-02-28T21:04:36.000598Z\n"
    "CallID:qgf3dm9rudi@127.0.0.1\nFromID:<sip:caller@domain.net>\nToID:<sip:callee@domain.net>\n"
    "OrigID:<sip:caller@domain.net>\nLocalAddr:IP:192.168.1.55 PORT:30539\nLocalMAC:99:e6:ba:df:7b:dd\n"
    "RemoteAddr:IP:192.168.1.23 PORT:7079\nRemoteMAC:99:72:b9:28:c2:82\nPacketLoss:NLR=8.0\nDelay:IAJ=93\r\n\r\n";

TEST(VqReport, ReadsBothMetricsBlocks) {
  auto r = parseVqReport(kSessionReport);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, "VQSessionReport");
  EXPECT_EQ(r->call_id, "6dwd2cdp01c9@sip.example.com");
  EXPECT_EQ(r->local.ip, "10.10.1.100");
  EXPECT_EQ(r->local.port, 5000);
  EXPECT_EQ(r->local.ssrc, 0x2468abcdu);
  EXPECT_EQ(r->remote.ssrc, 0x1357ace0u);
  EXPECT_DOUBLE_EQ(r->local_metrics.loss_pct.value(), 5.0);
  EXPECT_DOUBLE_EQ(r->local_metrics.discard_pct.value(), 2.0);
  EXPECT_DOUBLE_EQ(r->local_metrics.rtt_ms.value(), 200);
  EXPECT_DOUBLE_EQ(r->local_metrics.jitter_ms.value(), 2);
  EXPECT_DOUBLE_EQ(r->local_metrics.mos_lq.value(), 4.2);
  EXPECT_DOUBLE_EQ(r->local_metrics.r_factor.value(), 90);
  EXPECT_DOUBLE_EQ(r->remote_metrics.jitter_ms.value(), 12);
  EXPECT_FALSE(r->remote_metrics.mos_lq.has_value());

  const auto streams = streamsFromVq(*r, 42);
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].origin, "vq-rtcpxr");
  EXPECT_EQ(streams[0].ssrc, 0x1357ace0u);  // LocalMetrics: the stream from the remote end
  EXPECT_EQ(streams[0].from, "11.1.1.150:5002");
  EXPECT_EQ(streams[0].to, "10.10.1.100:5000");
  EXPECT_TRUE(streams[0].mos_from_xr);
  EXPECT_DOUBLE_EQ(streams[0].mos, 4.2);
  EXPECT_EQ(streams[1].ssrc, 0x2468abcdu);
  EXPECT_FALSE(streams[1].mos_from_xr);
  EXPECT_DOUBLE_EQ(streams[1].mos, estimateMos(1.0, 12, 200));
}

TEST(VqReport, ReadsHepgenSpelling) {
  auto r = parseVqReport(kHepgenReport);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, "VQIntervalReport");
  EXPECT_EQ(r->call_id, "qgf3dm9rudi@127.0.0.1");
  EXPECT_EQ(r->local.ip, "192.168.1.55");
  EXPECT_EQ(r->local.port, 30539);
  EXPECT_EQ(r->remote.port, 7079);
  EXPECT_DOUBLE_EQ(r->local_metrics.loss_pct.value(), 8.0);
  EXPECT_DOUBLE_EQ(r->local_metrics.jitter_ms.value(), 93);
  const auto streams = streamsFromVq(*r, 1);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].from, "192.168.1.23:7079");
  EXPECT_DOUBLE_EQ(streams[0].loss_pct, 8.0);
}

TEST(VqReport, RefusesOtherBodies) {
  EXPECT_EQ(parseVqReport("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n").error().code, MediaErrc::NotRtcp);
  EXPECT_EQ(parseVqReport("").error().code, MediaErrc::Empty);
  EXPECT_EQ(parseVqReport("VQSessionReport: CallTerm\r\nCallID: x\r\n").error().code, MediaErrc::Empty);
  EXPECT_FALSE(parseVqReport("VQSessionReport\nLocalMetrics:\nPacketLoss: NLR=nan JDR=x\n").has_value());
  EXPECT_TRUE(isVqContentType("Application/VQ-RTCPXR; charset=utf-8"));
  EXPECT_FALSE(isVqContentType("application/sdp"));
}

}  // namespace
}  // namespace siphon::media
