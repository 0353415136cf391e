// Frame decoding of real captures (tests/data/pcap): every link type that appears there, and
// every prefix of the first frames of each file.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "net/frame_decoder.h"
#include "net/ip_reassembler.h"
#include "net/link_type.h"
#include "net/sctp.h"
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
  // IP-in-IP is opened: tshark shows 69.67.35.146 → 41.202.46.110 outside, 10.10.100.25 →
  // 10.10.101.2 UDP 62367 → 17000 (length 108) inside.
  EXPECT_EQ(p->tunnel_depth, 1);
  EXPECT_EQ(p->outer_tunnel, Tunnel::IpInIp);
  EXPECT_EQ(p->outer_src.toString(), "69.67.35.146");
  EXPECT_EQ(p->outer_dst.toString(), "41.202.46.110");
  EXPECT_EQ(p->src.toString(), "10.10.100.25");
  EXPECT_EQ(p->dst.toString(), "10.10.101.2");
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(p->src_port, 62367);
  EXPECT_EQ(p->dst_port, 17000);
  EXPECT_EQ(p->payload.size(), 108u - 8);
}

TEST(RealFrames, DecapsulatesErspanTypeIAndIII) {
  // tshark: type I frames are ICMP between 172.16.133.2 and 172.217.11.78 inside GRE
  // 192.168.1.1 → 192.168.1.2; type III frames are ICMP 192.168.15.47 ↔ 1.1.1.1 inside
  // 10.0.0.1 ↔ 10.0.0.2.
  auto type1 = readFrames("zeek__erspanI__NOT_SIP.pcap");
  ASSERT_EQ(type1.size(), 10u);
  for (const auto& f : type1) {
    auto p = decodeFrame(f.link_type, f.bytes);
    ASSERT_TRUE(p.has_value()) << netErrcName(p.error().code);
    EXPECT_EQ(p->outer_tunnel, Tunnel::Erspan);
    EXPECT_EQ(p->tunnel_depth, 1);
    EXPECT_EQ(p->ip_proto, kIpProtoIcmp);
    const std::string src = p->src.toString();
    EXPECT_TRUE(src == "172.16.133.2" || src == "172.217.11.78") << src;
  }
  auto type3 = readFrames("zeek__erspanIII__NOT_SIP.pcap");
  ASSERT_EQ(type3.size(), 2u);
  auto p = decodeFrame(type3[0].link_type, type3[0].bytes);
  ASSERT_TRUE(p.has_value()) << netErrcName(p.error().code);
  EXPECT_EQ(p->outer_tunnel, Tunnel::Erspan);
  EXPECT_EQ(p->outer_src.toString(), "10.0.0.1");
  EXPECT_EQ(p->src.toString(), "192.168.15.47");
  EXPECT_EQ(p->dst.toString(), "1.1.1.1");
  EXPECT_EQ(p->ip_proto, kIpProtoIcmp);
}

TEST(RealFrames, ReassemblesIpv6FragmentsFromCapture) {
  // tshark: frames 3-6 are one UDP datagram 6363 → 6363, UDP length 5387 (5379 payload).
  auto frames = readFrames("heplify__ipv6_udp_fragmented__NOT_SIP.pcap");
  ASSERT_EQ(frames.size(), 6u);
  IpReassembler reassembler;
  std::optional<std::vector<std::byte>> datagram;
  for (size_t i = 0; i < frames.size(); ++i) {
    auto p = decodeFrame(frames[i].link_type, frames[i].bytes);
    ASSERT_TRUE(p.has_value());
    if (p->isFragment()) {
      datagram = reassembler.add(*p, std::chrono::seconds(i));
      EXPECT_EQ(datagram.has_value(), i == 5) << i;
    }
  }
  ASSERT_TRUE(datagram.has_value());
  auto p = decodeIpPacket(*datagram);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(p->src.toString(), "2607:f010:3f9::1001");
  EXPECT_EQ(p->src_port, 6363);
  EXPECT_EQ(p->dst_port, 6363);
  EXPECT_EQ(p->payload.size(), 5379u);
  EXPECT_EQ(reassembler.stats().completed, 1u);
  EXPECT_EQ(reassembler.pendingDatagrams(), 0u);
}

TEST(RealFrames, WalksSctpDataChunksFromCapture) {
  // tshark: 5 DATA chunks, PPID 0; frame 1 has B only (1468-byte chunk), frame 2 E only.
  auto frames = readFrames("heplify__sip_sctp.pcap");
  ASSERT_EQ(frames.size(), 5u);
  std::string invite;
  size_t whole = 0;
  for (const auto& f : frames) {
    auto p = decodeFrame(f.link_type, f.bytes);
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->ip_proto, kIpProtoSctp);
    EXPECT_EQ(p->dst_port, 5060);
    auto n = forEachSctpData(p->payload, [&](const SctpDataChunk& c) {
      EXPECT_EQ(c.ppid, 0u);
      if (c.beginning() && c.ending()) {
        EXPECT_NE(core::asText(c.user_data).find("SIP/2.0"), std::string_view::npos);
        ++whole;
      } else {
        invite += core::asText(c.user_data);
      }
    });
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, 1u);
  }
  EXPECT_EQ(whole, 3u);
  EXPECT_EQ(invite.size(), (1468u - 16) + (328u - 16));
  EXPECT_EQ(invite.rfind("INVITE ", 0), 0u);
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

TEST(RealFrames, DecodesEveryTunnelKindFromSyntheticCapture) {
  // tshark: all 10 frames are SIP OPTIONS 5060 → 5080 from 192.168.1.10 or 2001:db8::10, in
  // 4in4, 6in4, 4in6, 6in6, GRE(IPv4, key+seq), GRE(IPv6), GRE(bridged Ethernet), ERSPAN I,
  // ERSPAN II and ERSPAN III (synthetic__make_tunnels.py).
  const Tunnel kinds[] = {Tunnel::IpInIp, Tunnel::IpInIp, Tunnel::IpInIp, Tunnel::IpInIp,
                          Tunnel::Gre,    Tunnel::Gre,    Tunnel::Gre,    Tunnel::Erspan,
                          Tunnel::Erspan, Tunnel::Erspan};
  auto frames = readFrames("synthetic__sip_tunnels.pcap");
  ASSERT_EQ(frames.size(), std::size(kinds));
  for (size_t i = 0; i < frames.size(); ++i) {
    auto p = decodeFrame(frames[i].link_type, frames[i].bytes);
    ASSERT_TRUE(p.has_value()) << i << " " << netErrcName(p.error().code);
    EXPECT_EQ(p->outer_tunnel, kinds[i]) << i;
    EXPECT_EQ(p->tunnel_depth, 1) << i;
    const std::string src = p->src.toString();
    EXPECT_TRUE(src == "192.168.1.10" || src == "2001:db8::10") << i << " " << src;
    EXPECT_EQ(p->src_port, 5060);
    EXPECT_EQ(p->dst_port, 5080);
    EXPECT_EQ(core::asText(p->payload).rfind("OPTIONS sip:bob@example.com SIP/2.0\r\n", 0), 0u);
  }
}

TEST(RealFrames, DecodesPptpFromSyntheticCapture) {
  // tshark: frames 1-3 are SIP OPTIONS in PPP in PPTP's GRE (with and without the PPP
  // compressions, inner IPv4 and IPv6); frame 4 only acknowledges, frame 5 is an LCP echo.
  auto frames = readFrames("synthetic__sip_pptp.pcap");
  ASSERT_EQ(frames.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    auto p = decodeFrame(frames[i].link_type, frames[i].bytes);
    ASSERT_TRUE(p.has_value()) << i << " " << netErrcName(p.error().code);
    EXPECT_EQ(p->outer_tunnel, Tunnel::Pptp) << i;
    EXPECT_EQ(p->outer_src.toString(), "203.0.113.1");
    EXPECT_EQ(p->src.toString(), i < 2 ? "192.168.1.10" : "2001:db8::10");
    EXPECT_EQ(p->dst_port, 5080);
    EXPECT_EQ(core::asText(p->payload).rfind("OPTIONS sip:bob@example.com SIP/2.0\r\n", 0), 0u);
  }
  for (size_t i = 3; i < 5; ++i) {
    auto p = decodeFrame(frames[i].link_type, frames[i].bytes);
    ASSERT_FALSE(p.has_value()) << i;
    EXPECT_TRUE(isUnsupported(p.error().code)) << i << " " << netErrcName(p.error().code);
  }
}

TEST(RealFrames, ReassemblesAndWalksSyntheticFragmentsAndSctp) {
  // tshark: frames 1-3 are one UDP datagram sent last fragment first, reassembled in frame 3
  // (UDP length 3545, a SIP INVITE); frame 4 is SCTP with two DATA chunks, two OPTIONS.
  auto frames = readFrames("synthetic__sip_fragments_sctp.pcap");
  ASSERT_EQ(frames.size(), 4u);
  IpReassembler reassembler;
  std::optional<std::vector<std::byte>> datagram;
  for (size_t i = 0; i < 3; ++i) {
    auto p = decodeFrame(frames[i].link_type, frames[i].bytes);
    ASSERT_TRUE(p.has_value());
    ASSERT_TRUE(p->isFragment());
    datagram = reassembler.add(*p, std::chrono::seconds(1700000000 + i));
  }
  ASSERT_TRUE(datagram.has_value());
  auto p = decodeIpPacket(*datagram);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->payload.size(), 3545u - 8);
  EXPECT_EQ(core::asText(p->payload).rfind("INVITE ", 0), 0u);

  auto sctp = decodeFrame(frames[3].link_type, frames[3].bytes);
  ASSERT_TRUE(sctp.has_value());
  std::vector<std::string> messages;
  auto n = forEachSctpData(sctp->payload, [&](const SctpDataChunk& c) {
    messages.emplace_back(core::asText(c.user_data));
  });
  ASSERT_TRUE(n.has_value());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].find("CSeq: 1 OPTIONS"), std::string::npos);
  EXPECT_NE(messages[1].find("CSeq: 2 OPTIONS"), std::string::npos);
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
      "zeek__erspanI__NOT_SIP.pcap",    "zeek__erspanIII__NOT_SIP.pcap",
      "heplify__sip_sctp.pcap",         "synthetic__sip_tunnels.pcap",
      "synthetic__sip_pptp.pcap",
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
