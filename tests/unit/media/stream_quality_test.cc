// Per-stream call quality from RTCP reports.

#include <gtest/gtest.h>

#include <vector>

#include "media/rtcp_packet.h"
#include "media/stream_quality.h"
#include "unit/media/rtcp_test_util.h"

namespace siphon::media {
namespace {

using test::RtcpBuilder;

RtcpObservation observe(int64_t micros, const char* from, const char* to, const RtcpBuilder& b) {
  auto r = decodeRtcp(b.bytes);
  EXPECT_TRUE(r.has_value());
  return RtcpObservation{micros, from, to, r.has_value() ? *r : RtcpReport{}};
}

RtcpBuilder sr(uint32_t ssrc, uint32_t packets, uint32_t about, uint32_t cumulative, uint32_t jitter) {
  RtcpBuilder b;
  b.header(1, 200, 12);
  b.u32(ssrc);
  for (int i = 0; i < 3; ++i) b.u32(0);  // NTP, RTP timestamp
  b.u32(packets);
  b.u32(packets * 160);
  b.block(about, 0, cumulative, 1000, jitter);
  return b;
}

TEST(StreamQuality, TwoStreamsOfACall) {
  // A sends SSRC 0xA, B sends SSRC 0xB; each SR reports on the other's stream.
  std::vector<RtcpObservation> obs;
  obs.push_back(observe(5'000'000, "10.0.0.1:4001", "10.0.0.2:6001", sr(0xA, 250, 0xB, 0, 80)));
  obs.push_back(observe(5'100'000, "10.0.0.2:6001", "10.0.0.1:4001", sr(0xB, 249, 0xA, 5, 160)));
  obs.push_back(observe(10'000'000, "10.0.0.1:4001", "10.0.0.2:6001", sr(0xA, 500, 0xB, 0, 40)));
  obs.push_back(observe(10'100'000, "10.0.0.2:6001", "10.0.0.1:4001", sr(0xB, 498, 0xA, 10, 240)));
  const auto streams = summarizeStreams(obs);
  ASSERT_EQ(streams.size(), 2u);
  const auto& a = streams[0];  // first seen: A's own SR at 5 s
  EXPECT_EQ(a.ssrc, 0xAu);
  EXPECT_EQ(a.from, "10.0.0.1:4001");
  EXPECT_EQ(a.to, "10.0.0.2:6001");
  EXPECT_EQ(a.packets, 500u);
  EXPECT_EQ(a.octets, 80000u);
  EXPECT_EQ(a.lost, 10);
  EXPECT_NEAR(a.loss_pct, 100.0 * 10 / 510, 1e-9);
  EXPECT_DOUBLE_EQ(a.max_jitter_ms, 30.0);  // 240 units at 8 kHz
  EXPECT_DOUBLE_EQ(a.avg_jitter_ms, 25.0);
  EXPECT_EQ(a.reports, 2u);
  ASSERT_EQ(a.samples.size(), 2u);
  EXPECT_EQ(a.samples[1].micros, 10'100'000);
  EXPECT_FALSE(a.mos_from_xr);
  EXPECT_GT(a.mos, 3.5);
  EXPECT_LT(a.mos, 4.5);
  const auto& b = streams[1];
  EXPECT_EQ(b.ssrc, 0xBu);
  EXPECT_EQ(b.from, "10.0.0.2:6001");
  EXPECT_EQ(b.lost, 0);
  EXPECT_DOUBLE_EQ(b.loss_pct, 0.0);
  EXPECT_GT(b.mos, a.mos);  // no loss, less jitter
}

TEST(StreamQuality, XrMosWinsOverTheEstimate) {
  RtcpBuilder b;
  b.header(1, 201, 7);
  b.u32(0x1);
  b.block(0x2, 128, 300, 9000, 800);  // 50 % lost in the interval: a poor estimate
  b.xrVoip(0x1, 0x2, 128, 200, 60, 31);
  std::vector<RtcpObservation> obs{observe(1, "a:1", "b:2", b)};
  const auto streams = summarizeStreams(obs);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_TRUE(streams[0].mos_from_xr);
  EXPECT_DOUBLE_EQ(streams[0].mos, 3.1);
  EXPECT_DOUBLE_EQ(streams[0].loss_pct, 50.0);  // no SR: the mean reported fraction
  EXPECT_EQ(streams[0].reports, 2u);           // the report block and the XR block
}

TEST(StreamQuality, MosEstimateFollowsTheEModel) {
  EXPECT_NEAR(estimateMos(0, 0, 0), 4.41, 0.01);  // R = 92.95: G.711 at its best
  EXPECT_LT(estimateMos(5, 20, 100), estimateMos(1, 20, 100));
  EXPECT_LT(estimateMos(1, 80, 100), estimateMos(1, 20, 100));
  EXPECT_DOUBLE_EQ(estimateMos(100, 0, 0), 1.0);
  EXPECT_LE(estimateMos(-50, 0, 0), 4.5);
}

TEST(StreamQuality, BoundsTheNumberOfStreams) {
  std::vector<RtcpObservation> obs;
  for (uint32_t i = 1; i <= 100; ++i) obs.push_back(observe(i, "a:1", "b:2", sr(i, 1, 1000 + i, 0, 0)));
  EXPECT_EQ(summarizeStreams(obs, 8000, 10).size(), 10u);
}

}  // namespace
}  // namespace siphon::media
