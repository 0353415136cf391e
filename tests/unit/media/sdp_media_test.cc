// Media endpoints (address, RTP and RTCP port) from SDP.

#include "media/sdp_media.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace siphon::media {
namespace {

size_t read(const std::string& sdp, std::array<MediaEndpoint, 8>& out) { return sdpMediaEndpoints(sdp, out); }

TEST(SdpMedia, SessionAddressAndRtpPlusOne) {
  // The offer of heplify__sip_ipv4_tcp.pcap (frame 3).
  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 10.33.6.100\r\ns=-\r\nc=IN IP4 10.33.6.100\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";
  std::array<MediaEndpoint, 8> out;
  ASSERT_EQ(read(sdp, out), 1u);
  EXPECT_EQ(out[0].address.toString(), "10.33.6.100");
  EXPECT_EQ(out[0].rtp_port, 6000);
  EXPECT_EQ(out[0].rtcp_port, 6001);
}

TEST(SdpMedia, MediaLevelAddressRtcpAttributeMuxAndDisabledStreams) {
  const std::string sdp =
      "v=0\nc=IN IP4 192.0.2.1\nt=0 0\n"
      "m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.2/127\na=rtcp:4005\n"  // media c= wins; RFC 3605
      "m=video 0 RTP/AVP 96\n"                                         // disabled: no endpoint
      "m=audio 5000/2 RTP/AVP 0\na=rtcp:5009 IN IP6 2001:db8::9\n"     // a=rtcp with its address
      "m=audio 6000 RTP/SAVPF 111\na=rtcp-mux\n"                       // RFC 5761: on the RTP port
      "m=audio 7000 RTP/AVP 0\nc=IN IP6 2001:db8::7\n";
  std::array<MediaEndpoint, 8> out;
  ASSERT_EQ(read(sdp, out), 4u);
  EXPECT_EQ(out[0].address.toString(), "192.0.2.2");
  EXPECT_EQ(out[0].rtcp_port, 4005);
  EXPECT_EQ(out[1].address.toString(), "2001:db8::9");
  EXPECT_EQ(out[1].rtp_port, 5000);
  EXPECT_EQ(out[1].rtcp_port, 5009);
  EXPECT_EQ(out[2].address.toString(), "192.0.2.1");
  EXPECT_EQ(out[2].rtcp_port, 6000);
  EXPECT_EQ(out[3].address.toString(), "2001:db8::7");
  EXPECT_EQ(out[3].rtcp_port, 7001);
}

TEST(SdpMedia, WhatDoesNotParseIsLeftOut) {
  std::array<MediaEndpoint, 8> out;
  EXPECT_EQ(read("", out), 0u);
  EXPECT_EQ(read("m=audio 4000 RTP/AVP 0\n", out), 0u);                         // no address at all
  EXPECT_EQ(read("c=IN IP4 example.com\nm=audio 4000 RTP/AVP 0\n", out), 0u);  // a name, not an address
  EXPECT_EQ(read("c=IN IP4 192.0.2.1\nm=audio 99999 RTP/AVP 0\n", out), 0u);   // no such port
  EXPECT_EQ(read("c=IN IP4 192.0.2.1\nm=audio 65535 RTP/AVP 0\n", out), 0u);   // RTCP would be 65536
  std::array<MediaEndpoint, 2> two;
  const std::string many = "c=IN IP4 192.0.2.1\nm=audio 10 R 0\nm=audio 20 R 0\nm=audio 30 R 0\n";
  EXPECT_EQ(sdpMediaEndpoints(many, two), 2u);  // bounded by the room given
}

}  // namespace
}  // namespace siphon::media
