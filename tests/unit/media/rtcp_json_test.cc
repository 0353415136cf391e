// The JSON RTCP reports agents send as HEP payload type 5.

#include <gtest/gtest.h>

#include <string>

#include "media/rtcp_json.h"
#include "unit/media/rtcp_test_util.h"

namespace siphon::media {
namespace {

// The payload of the RTCP-JSON packet in tests/data/pcap/hep-wireshark__hep.pcap (HEP payload
// type 5, correlation id "qgf3dm9rudi@127.0.0.1"), copied as `siphon decode` prints it.
const std::string kCaptagentJson =
    R"({"sender_information":{"ntp_timestamp_sec":3650797214,"packets":106,"ntp_timestamp_usec":13217348104192,"octets":16960,"rtp_timestamp":16960},"ssrc":451916597,"type":200,"report_blocks":[{"source_ssrc":898343773,"highest_seq_no":20881,"fraction_lost":0,"ia_jitter":1,"packets_lost":0,"lsr":-1097006646,"dlsr":7733}],"report_count":0})";

TEST(RtcpJson, ReadsCaptagentReport) {
  auto r = decodeRtcpJson(kCaptagentJson);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ssrc, 451916597u);
  EXPECT_EQ(r->first_type, 200);
  ASSERT_TRUE(r->sender.has_value());
  EXPECT_EQ(r->sender->packets, 106u);
  EXPECT_EQ(r->sender->octets, 16960u);
  ASSERT_EQ(r->blocks.size(), 1u);
  EXPECT_EQ(r->blocks[0].source_ssrc, 898343773u);
  EXPECT_EQ(r->blocks[0].highest_seq, 20881u);
  EXPECT_EQ(r->blocks[0].jitter, 1u);
  EXPECT_EQ(r->blocks[0].lsr, static_cast<uint32_t>(int64_t{-1097006646}));
  EXPECT_EQ(r->blocks[0].dlsr, 7733u);
  EXPECT_TRUE(r->voip_metrics.empty());
}

TEST(RtcpJson, ReadsHeplifyRenderingWithXr) {
  // heplify's ParseRTCP output for the compound in tests/data/rtcp (corpus .json
  // "upstream_expectation"), with an XR block type 7 added.
  const std::string json =
      R"({"sender_information":{"ntp_timestamp_sec":0,"ntp_timestamp_usec":0,"rtp_timestamp":0,"packets":0,"octets":0},"ssrc":2419039790,"type":206,"report_count":1,"report_blocks":[{"source_ssrc":3160316480,"fraction_lost":0,"packets_lost":0,"highest_seq_no":18145,"ia_jitter":273,"lsr":166945842,"dlsr":150137}],"report_blocks_xr":{"type":7,"id":3160316480,"fraction_lost":12,"fraction_discard":1,"burst_density":0,"gap_density":0,"burst_duration":0,"gap_duration":0,"round_trip_delay":88,"end_system_delay":20},"sdes_ssrc":2419039790})";
  auto r = decodeRtcpJson(json);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ssrc, 2419039790u);
  EXPECT_FALSE(r->sender.has_value());  // type 206: heplify's zero sender info is not an SR
  ASSERT_EQ(r->blocks.size(), 1u);
  EXPECT_EQ(r->blocks[0].jitter, 273u);
  ASSERT_EQ(r->voip_metrics.size(), 1u);
  EXPECT_EQ(r->voip_metrics[0].source_ssrc, 3160316480u);
  EXPECT_EQ(r->voip_metrics[0].loss_rate, 12);
  EXPECT_EQ(r->voip_metrics[0].round_trip_delay, 88);
  EXPECT_EQ(r->voip_metrics[0].mos_lq, kXrUnavailable);
}

TEST(RtcpJson, ReadsHomerSpellingOfPacketsLost) {
  auto r = decodeRtcpJson(R"({"ssrc":1,"type":201,"report_blocks":[{"source_ssrc":2,"packet_lost":7}]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->blocks[0].cumulative_lost, 7);
}

TEST(RtcpJson, RefusesNonReports) {
  EXPECT_EQ(decodeRtcpJson("not json").error().code, MediaErrc::BadJson);
  EXPECT_EQ(decodeRtcpJson("[1,2]").error().code, MediaErrc::BadJson);
  EXPECT_EQ(decodeRtcpJson(R"({"Event":"x"})").error().code, MediaErrc::Empty);
  EXPECT_EQ(decodeRtcpJson(R"({"ssrc":"text","report_blocks":"no"})").value().blocks.size(), 0u);
  std::string deep(100000, '[');
  EXPECT_EQ(decodeRtcpJson(deep).error().code, MediaErrc::BadJson);
}

TEST(RtcpJson, PayloadPicksJsonOrBinary) {
  auto json = decodeRtcpPayload("  " + kCaptagentJson);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->ssrc, 451916597u);
  const auto bytes = test::readDataFile("rtcp/heplify_rtcp_rr_sdes_bye_pli_rtpfb.bin");
  auto binary = decodeRtcpPayload(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(binary.has_value());
  EXPECT_EQ(binary->ssrc, 2419039790u);
}

}  // namespace
}  // namespace siphon::media
