// capture_rtcp: the agent learns each call's media endpoints from the SDP it captures and sends
// the RTCP of those endpoints as payload type 5 with the call's Call-ID as correlation id.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "source/frame_record_extractor.h"
#include "source/media_tracker.h"
#include "source/pcap_file_source.h"

namespace siphon::source {
namespace {

std::vector<core::Capture> extract(const std::string& name, bool rtcp, ExtractorCounters* counters = nullptr) {
  std::vector<core::Capture> out;
  FrameRecordExtractorOptions o;
  o.capture_rtcp = rtcp;
  FrameRecordExtractor x(o, [&](core::Capture&& c) { out.push_back(std::move(c)); });
  auto src = PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name);
  EXPECT_TRUE(src.has_value());
  if (!src) return out;
  for (;;) {
    auto next = (*src)->next();
    if (!next || !next->has_value()) break;
    x.onFrame(**next);
  }
  x.finish();
  if (counters != nullptr) {
    counters->rtcp.set(x.counters().rtcp);
    counters->records.set(x.counters().records);
  }
  return out;
}

std::vector<const core::Capture*> rtcpOf(const std::vector<core::Capture>& all) {
  std::vector<const core::Capture*> out;
  for (const auto& c : all) {
    if (c.meta.payload_type == 5) out.push_back(&c);
  }
  return out;
}

TEST(RtcpCapture, SipOverTcpCallGetsItsRtcp) {
  // heplify__sip_ipv4_tcp.pcap: the SDP (over TCP) offers 10.33.6.100:6000 and answers
  // 10.33.6.101:6050; tshark finds RTCP in frames 14 (6051 -> 6001) and 17 (6001 -> 6051).
  ExtractorCounters counters;
  const auto all = extract("heplify__sip_ipv4_tcp.pcap", true, &counters);
  const auto rtcp = rtcpOf(all);
  ASSERT_EQ(rtcp.size(), 2u);
  EXPECT_EQ(all.size(), 7u + 2u);
  EXPECT_EQ(counters.rtcp.get(), 2u);
  EXPECT_EQ(rtcp[0]->meta.src_port, 6051);
  EXPECT_EQ(rtcp[0]->meta.dst_port, 6001);
  EXPECT_EQ(rtcp[1]->meta.src_port, 6001);
  for (const auto* c : rtcp) {
    EXPECT_EQ(c->meta.correlation_id, "158936656982201062716@10.33.6.100");
    EXPECT_EQ(c->meta.ip_proto, 17);
    EXPECT_EQ(c->meta.payload.size(), c->raw.size());
  }
  // Off unless asked: the same capture gives its 7 SIP messages only.
  EXPECT_EQ(extract("heplify__sip_ipv4_tcp.pcap", false).size(), 7u);
}

TEST(RtcpCapture, RtcpGoesToTheCallThatAnnouncedItsEndpointLast) {
  // sngrep__aaa.pcap: four calls offer 192.168.1.2:30000; the one RTCP packet (frame 633,
  // 192.168.1.2:30001 -> 212.242.33.36:40393) follows the answer of call 11894297-4432a9f8.
  const auto all = extract("sngrep__aaa.pcap", true);
  const auto rtcp = rtcpOf(all);
  ASSERT_EQ(rtcp.size(), 1u);
  EXPECT_EQ(rtcp[0]->meta.correlation_id, "11894297-4432a9f8@192.168.1.2");
  EXPECT_EQ(all.size(), 81u + 1u);
}

TEST(RtcpCapture, RtcpOfUnknownMediaIsNotSent) {
  // ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap: RTCP without any SIP.
  ExtractorCounters counters;
  EXPECT_TRUE(extract("ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap", true, &counters).empty());
  EXPECT_EQ(counters.rtcp.get(), 0u);
}

TEST(MediaTracker, BoundedExpiringAndTakenOverByANewerCall) {
  MediaTracker t(MediaTrackerLimits{.max_endpoints = 2, .idle_us = 1'000});
  const std::string sdp = "c=IN IP4 192.0.2.1\nm=audio 4000 RTP/AVP 0\nm=video 4002 RTP/AVP 96\n"
                          "m=audio 4004 RTP/AVP 0\n";
  t.learnSdp("call-1", sdp, 100);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.stats().refused, 1u);  // the third endpoint: the table is full
  const auto a = *core::IpAddress::parse("192.0.2.1");
  const auto b = *core::IpAddress::parse("198.51.100.1");
  EXPECT_EQ(t.callOf(b, 9, a, 4001, 200).value_or(""), "call-1");
  EXPECT_EQ(t.callOf(a, 4003, b, 9, 200).value_or(""), "call-1");
  EXPECT_FALSE(t.callOf(a, 4005, b, 9, 200).has_value());
  t.learnSdp("call-2", "c=IN IP4 192.0.2.1\nm=audio 4000 RTP/AVP 0\n", 300);  // re-used port
  EXPECT_EQ(t.callOf(b, 9, a, 4001, 300).value_or(""), "call-2");
  t.expire(1'250);  // 4003 was last used at 200: idle for more than 1 ms
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.stats().expired, 1u);
  EXPECT_TRUE(t.callOf(b, 9, a, 4001, 1'300).has_value());
  t.learnSdp("", "c=IN IP4 192.0.2.9\nm=audio 1000 RTP/AVP 0\n", 1'300);  // no Call-ID: nothing
  EXPECT_EQ(t.size(), 1u);
}

}  // namespace
}  // namespace siphon::source
