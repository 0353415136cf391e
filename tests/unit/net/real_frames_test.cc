// Frame decoding of real captures (tests/data/pcap): every link type that appears there, and
// every prefix of the first frames of each file.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "net/frame_decoder.h"
#include "net/link_type.h"
#include "source/pcap_file_source.h"

namespace siphon::net {
namespace {

struct Frame {
  uint32_t link_type;
  std::vector<std::byte> bytes;
};

std::vector<Frame> readFrames(const std::string& name, size_t max = 1000000) {
  auto src = source::PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name);
  EXPECT_TRUE(src.has_value()) << name;
  std::vector<Frame> out;
  if (!src) {
    return out;
  }
  while (out.size() < max) {
    auto next = (*src)->next();
    if (!next || !next->has_value()) {
      break;
    }
    const auto& p = **next;
    out.push_back({p.link_type, std::vector<std::byte>(p.bytes.begin(), p.bytes.end())});
  }
  return out;
}

TEST(RealFrames, DecodesSllLinkType) {
  auto frames = readFrames("ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap");
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames[0].link_type, static_cast<uint32_t>(LinkType::LinuxSll));
  for (const auto& f : frames) {
    auto p = decodeFrame(f.link_type, f.bytes);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  }
}

TEST(RealFrames, DecodesNullLoopbackLinkType) {
  auto frames = readFrames("sipnab__h263-over-rtp.pcap");
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames[0].link_type, static_cast<uint32_t>(LinkType::Null));
  size_t sip = 0;
  for (const auto& f : frames) {
    auto p = decodeFrame(f.link_type, f.bytes);
    ASSERT_TRUE(p.has_value());
    if (core::asText(p->payload).find("SIP/2.0") != std::string_view::npos) {
      ++sip;
    }
  }
  EXPECT_GE(sip, 4u);
}

TEST(RealFrames, DecodesRawIpAndIpv4LinkTypes) {
  auto raw = readFrames("heplify__ipip0.pcap");
  ASSERT_EQ(raw.size(), 8u);
  auto v4 = readFrames("zeek__sip-long-request-response-paths.pcap");
  ASSERT_EQ(v4.size(), 2u);
  EXPECT_EQ(v4[0].link_type, static_cast<uint32_t>(LinkType::Ipv4));
  for (const auto* set : {&raw, &v4}) {
    for (const auto& f : *set) {
      auto p = decodeFrame(f.link_type, f.bytes);
      ASSERT_TRUE(p.has_value());
      EXPECT_EQ(p->ip_proto, kIpProtoUdp);
      EXPECT_TRUE(core::asText(p->payload).find("SIP/2.0") != std::string_view::npos);
    }
  }
}

TEST(RealFrames, DecodesQinQFromCapture) {
  auto frames = readFrames("ndpi__4in4tunnel__NOT_SIP.pcap");
  ASSERT_FALSE(frames.empty());
  auto p = decodeFrame(frames[0].link_type, frames[0].bytes);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->vlan_depth, 2);
  EXPECT_EQ(p->ip_proto, kIpProtoIpip);  // IP-in-IP is not decapsulated yet
}

TEST(RealFrames, FlagsIpv6FragmentsFromCapture) {
  auto frames = readFrames("heplify__ipv6_udp_fragmented__NOT_SIP.pcap");
  size_t first = 0;
  size_t later = 0;
  for (const auto& f : frames) {
    auto p = decodeFrame(f.link_type, f.bytes);
    ASSERT_TRUE(p.has_value());
    first += p->fragment == Fragment::First ? 1 : 0;
    later += p->fragment == Fragment::NonFirst ? 1 : 0;
  }
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(later, 3u);
}

TEST(RealFrames, DecodesPppoeFromCapture) {
  auto frames = readFrames("pcapplusplus__sip_reqs.pcap");
  size_t sip = 0;
  for (const auto& f : frames) {
    auto p = decodeFrame(f.link_type, f.bytes);
    if (p && core::asText(p->payload).find("SIP/2.0") != std::string_view::npos) {
      ++sip;
    }
  }
  EXPECT_EQ(sip, 4u);
}

/// Truncation at every byte of real frames: Truncated until the IP packet is complete, never
/// a crash. Each prefix sits in an exactly sized buffer so ASan catches over-reads.
TEST(RealFrames, EveryPrefixOfRealFramesIsTruncatedNeverACrash) {
  const char* files[] = {
      "heplify__sip_ipv6_udp.pcap",     "heplify__ipip0.pcap",
      "suricata-verify__sip-tcp.pcap",  "pcapplusplus__sip_reqs.pcap",
      "sipnab__h263-over-rtp.pcap",     "ndpi__rtcp_multiple_pkts_in_the_same_datagram.pcap",
      "ndpi__4in4tunnel__NOT_SIP.pcap", "heplify__ipv6_udp_fragmented__NOT_SIP.pcap",
      "ndpi__sip_hello.pcapng",         "hep-wireshark__hep.pcap",
  };
  size_t checked = 0;
  for (const char* name : files) {
    for (const auto& f : readFrames(name, 3)) {
      auto whole = decodeFrame(f.link_type, f.bytes);
      if (!whole) {
        continue;  // e.g. ARP: nothing to truncate into
      }
      const size_t end =
          static_cast<size_t>(whole->ip_packet.data() - f.bytes.data()) + whole->ip_packet.size();
      for (size_t n = 0; n < end; ++n) {
        std::vector<std::byte> prefix(f.bytes.begin(), f.bytes.begin() + static_cast<ptrdiff_t>(n));
        auto p = decodeFrame(f.link_type, prefix);
        ASSERT_FALSE(p.has_value()) << name << " prefix " << n;
        ASSERT_EQ(p.error().code, NetErrc::Truncated) << name << " prefix " << n;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 20u);
}

}  // namespace
}  // namespace siphon::net
