// Binary RTCP: the heplify test vector, the RTCP in real captures (figures from tshark 4.0, see
// tests/data/rtcp/SOURCES.md), XR VoIP Metrics built by hand, and hostile input.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "media/rtcp_packet.h"
#include "unit/media/rtcp_test_util.h"
#include "net/frame_decoder.h"
#include "source/pcap_file_source.h"

namespace siphon::media {
namespace {

using test::RtcpBuilder;

// UDP payloads of a capture in tests/data/pcap, in frame order.
std::vector<std::vector<std::byte>> udpPayloads(const std::string& name) {
  std::vector<std::vector<std::byte>> out;
  auto src = source::PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name);
  EXPECT_TRUE(src.has_value()) << name;
  if (!src) return out;
  for (;;) {
    auto next = (*src)->next();
    if (!next || !next->has_value()) break;
    const auto& frame = **next;
    auto p = net::decodeFrame(frame.link_type, frame.bytes);
    if (p && p->ip_proto == net::kIpProtoUdp) out.emplace_back(p->payload.begin(), p->payload.end());
  }
  return out;
}

TEST(Rtcp, DecodesHeplifyCompoundVector) {
  const auto bytes = test::readDataFile("rtcp/heplify_rtcp_rr_sdes_bye_pli_rtpfb.bin");
  ASSERT_EQ(bytes.size(), 116u);
  auto r = decodeRtcp(bytes);
  ASSERT_TRUE(r.has_value()) << mediaErrcName(r.error().code);
  EXPECT_EQ(r->first_type, 201);
  EXPECT_EQ(r->ssrc, 2419039790u);
  EXPECT_FALSE(r->sender.has_value());
  ASSERT_EQ(r->blocks.size(), 1u);
  const auto& b = r->blocks[0];
  EXPECT_EQ(b.source_ssrc, 3160316480u);
  EXPECT_EQ(b.fraction_lost, 0);
  EXPECT_EQ(b.cumulative_lost, 0);
  EXPECT_EQ(b.highest_seq, 18145u);
  EXPECT_EQ(b.jitter, 273u);
  EXPECT_EQ(b.lsr, 166945842u);
  EXPECT_EQ(b.dlsr, 150137u);
  EXPECT_EQ(r->cname, "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}");
  EXPECT_TRUE(r->bye);
  EXPECT_EQ(r->packets, 5u);  // RR, SDES, BYE, PSFB, RTPFB
  EXPECT_EQ(r->trailing_bytes, 0u);
}

TEST(Rtcp, DecodesFreeSwitchCompoundsAsTsharkDoes) {
  const auto payloads = udpPayloads("ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap");
  ASSERT_EQ(payloads.size(), 5u);
  std::vector<RtcpReport> reports;
  for (const auto& p : payloads) {
    ASSERT_TRUE(looksLikeRtcp(p));
    auto r = decodeRtcp(p);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->packets, 2u);  // SR or RR, then SDES
    EXPECT_EQ(r->trailing_bytes, 0u);
    ASSERT_EQ(r->blocks.size(), 1u);
    reports.push_back(*r);
  }
  // tshark -T fields -e rtcp.pt -e rtcp.senderssrc -e rtcp.sender.packetcount
  //   -e rtcp.ssrc.identifier -e rtcp.ssrc.fraction -e rtcp.ssrc.cum_nr -e rtcp.ssrc.high_seq
  //   -e rtcp.ssrc.jitter -e rtcp.sdes.text
  EXPECT_EQ(reports[0].first_type, 200);
  EXPECT_EQ(reports[0].ssrc, 0x5d931534u);
  ASSERT_TRUE(reports[0].sender.has_value());
  EXPECT_EQ(reports[0].sender->packets, 200u);
  EXPECT_EQ(reports[0].blocks[0].source_ssrc, 0u);
  EXPECT_EQ(reports[0].blocks[0].cumulative_lost, 1);
  EXPECT_EQ(reports[0].cname, "5d931534");
  EXPECT_EQ(reports[1].first_type, 201);
  EXPECT_EQ(reports[1].ssrc, 0x01932db4u);
  EXPECT_FALSE(reports[1].sender.has_value());
  EXPECT_EQ(reports[1].blocks[0].fraction_lost, 1);
  EXPECT_EQ(reports[1].blocks[0].highest_seq, 48834u);
  EXPECT_EQ(reports[1].blocks[0].jitter, 1u);
  EXPECT_EQ(reports[1].cname, "1932db4");
  EXPECT_EQ(reports[2].sender->packets, 401u);
  EXPECT_EQ(reports[2].blocks[0].source_ssrc, 0x01932db4u);
  EXPECT_EQ(reports[3].blocks[0].source_ssrc, 0x5d931534u);
  EXPECT_EQ(reports[3].blocks[0].highest_seq, 49035u);
  EXPECT_EQ(reports[3].blocks[0].jitter, 6u);
  EXPECT_EQ(reports[4].sender->packets, 602u);
}

TEST(Rtcp, TellsRtcpFromRtpInARealCall) {
  // heplify__sip_ipv4_tcp.pcap: SIP over TCP plus RTP and RTCP on UDP; tshark finds RTCP in
  // frames 14 and 17 only (SR + SDES each).
  size_t rtcp = 0;
  for (const auto& p : udpPayloads("heplify__sip_ipv4_tcp.pcap")) {
    if (!looksLikeRtcp(p)) continue;
    auto r = decodeRtcp(p);
    ASSERT_TRUE(r.has_value());
    ++rtcp;
    EXPECT_EQ(r->first_type, 200);
    EXPECT_EQ(r->cname, "c0");
  }
  EXPECT_EQ(rtcp, 2u);
}

TEST(Rtcp, ReadsXrVoipMetrics) {
  RtcpBuilder b;
  b.header(1, 201, 7);
  b.u32(0x11111111);
  b.block(0x22222222, 64, 12, 5000, 160);
  b.xrVoip(0x11111111, 0x22222222, 25, 120, 80, 41);
  auto r = decodeRtcp(b.bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->packets, 2u);
  ASSERT_EQ(r->voip_metrics.size(), 1u);
  const auto& m = r->voip_metrics[0];
  EXPECT_EQ(m.source_ssrc, 0x22222222u);
  EXPECT_EQ(m.loss_rate, 25);
  EXPECT_EQ(m.round_trip_delay, 120);
  EXPECT_EQ(m.end_system_delay, 40);
  EXPECT_EQ(m.r_factor, 80);
  EXPECT_EQ(m.mos_lq, 41);
  EXPECT_EQ(m.mos_cq, 41);
  EXPECT_EQ(r->blocks[0].fraction_lost, 64);
  EXPECT_EQ(r->blocks[0].cumulative_lost, 12);
}

TEST(Rtcp, NegativeCumulativeLossKeepsItsSign) {
  RtcpBuilder b;
  b.header(1, 201, 7);
  b.u32(1);
  b.block(2, 0, 0xFFFFFE, 10, 0);  // -2: duplicates (RFC 3550 §6.4.1)
  auto r = decodeRtcp(b.bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->blocks[0].cumulative_lost, -2);
}

TEST(Rtcp, RefusesWhatIsNotRtcp) {
  // An RTP packet: version 2, PT 0 (PCMU), no marker.
  RtcpBuilder rtp;
  rtp.u8(0x80);
  rtp.u8(0x00);
  rtp.u16(1234);
  rtp.u32(160);
  rtp.u32(0xCAFE);
  for (int i = 0; i < 40; ++i) rtp.u8(0xFF);
  EXPECT_FALSE(looksLikeRtcp(rtp.bytes));
  auto r = decodeRtcp(rtp.bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, MediaErrc::NotRtcp);

  RtcpBuilder v1;
  v1.u8(0x41);
  v1.u8(201);
  v1.u16(1);
  v1.u32(1);
  EXPECT_EQ(decodeRtcp(v1.bytes).error().code, MediaErrc::BadVersion);

  RtcpBuilder long_length;
  long_length.header(0, 201, 9);  // says 40 bytes follow, 4 do
  long_length.u32(1);
  EXPECT_EQ(decodeRtcp(long_length.bytes).error().code, MediaErrc::Truncated);

  RtcpBuilder too_many_blocks;
  too_many_blocks.header(3, 201, 1);  // three blocks announced, none present
  too_many_blocks.u32(1);
  EXPECT_EQ(decodeRtcp(too_many_blocks.bytes).error().code, MediaErrc::BadLength);

  RtcpBuilder bad_padding;
  bad_padding.header(0, 201, 1, /*padding=*/true);
  bad_padding.u32(0x00000009);  // the last octet says 9 padding octets; there are 4
  EXPECT_EQ(decodeRtcp(bad_padding.bytes).error().code, MediaErrc::BadLength);

  EXPECT_EQ(decodeRtcp({}).error().code, MediaErrc::Truncated);
}

TEST(Rtcp, KeepsWhatWasReadBeforeTrailingBytes) {
  // An SRTCP-like tail: a whole RR, then 14 bytes that are no RTCP packet (index + auth tag).
  RtcpBuilder b;
  b.header(0, 201, 1);
  b.u32(7);
  for (int i = 0; i < 14; ++i) b.u8(0x5A);
  auto r = decodeRtcp(b.bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ssrc, 7u);
  EXPECT_EQ(r->packets, 1u);
  EXPECT_EQ(r->trailing_bytes, 14u);
}

TEST(Rtcp, EveryPrefixOfARealCompoundIsSafe) {
  const auto bytes = test::readDataFile("rtcp/heplify_rtcp_rr_sdes_bye_pli_rtpfb.bin");
  for (size_t n = 0; n <= bytes.size(); ++n) {
    std::vector<std::byte> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    auto r = decodeRtcp(prefix);  // under ASan: no read past the prefix
    if (n < 32) {
      EXPECT_FALSE(r.has_value()) << n;  // the RR itself is 32 bytes
    } else {
      ASSERT_TRUE(r.has_value()) << n;
      EXPECT_EQ(r->blocks.size(), 1u);
    }
  }
}

}  // namespace
}  // namespace siphon::media
