#include "net/frame_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "core/byte_reader.h"
#include "net/link_type.h"
#include "support/frame_builder.h"

namespace siphon::net {
namespace {

using test::Bytes;

constexpr std::string_view kSip = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";

uint32_t lt(LinkType t) { return static_cast<uint32_t>(t); }

std::string payloadText(const DecodedPacket& p) { return std::string(core::asText(p.payload)); }

std::vector<std::byte> ethIpv4Udp() {
  return test::ethernet(0x0800, test::ipv4(17, test::udp(5060, 5070, kSip)));
}

TEST(FrameDecoder, DecodesEthernetIpv4Udp) {
  auto frame = ethIpv4Udp();
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->src.toString(), "10.0.0.1");
  EXPECT_EQ(p->dst.toString(), "10.0.0.2");
  EXPECT_EQ(p->src_port, 5060);
  EXPECT_EQ(p->dst_port, 5070);
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(p->ip_version, 4);
  EXPECT_EQ(p->family(), 2);
  EXPECT_EQ(p->ttl, 64);
  EXPECT_FALSE(p->isFragment());
  EXPECT_EQ(payloadText(*p), kSip);
  // Zero-copy: the payload is a view into the frame.
  EXPECT_EQ(p->payload.data(), frame.data() + frame.size() - kSip.size());
}

TEST(FrameDecoder, IgnoresEthernetPaddingAfterIpTotalLength) {
  auto frame = test::ethernet(0x0800, test::ipv4(17, test::udp(1, 2, "x")));
  frame.resize(60);  // Ethernet minimum frame without FCS: padded with zeros
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(payloadText(*p), "x");
  EXPECT_EQ(p->ip_packet.size(), 20u + 8 + 1);
}

TEST(FrameDecoder, SkipsIpv4Options) {
  auto frame = test::ethernet(0x0800, test::ipv4(17, test::udp(1, 2, kSip), /*option_words=*/3));
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, RejectsIpv4HeaderLengthBelowFive) {
  auto ip = test::ipv4(17, test::udp(1, 2, kSip));
  ip[0] = std::byte{0x44};
  auto p = decodeFrame(lt(LinkType::Ipv4), ip);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::BadIpHeader);
}

TEST(FrameDecoder, RejectsIpv4TotalLengthBelowHeaderLength) {
  auto ip = test::ipv4(17, test::udp(1, 2, kSip));
  ip[2] = std::byte{0};
  ip[3] = std::byte{19};
  auto p = decodeFrame(lt(LinkType::Ipv4), ip);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::BadIpHeader);
}

TEST(FrameDecoder, ReportsTruncatedWhenIpv4TotalLengthExceedsFrame) {
  auto ip = test::ipv4(17, test::udp(1, 2, kSip));
  ip.pop_back();
  auto p = decodeFrame(lt(LinkType::Ipv4), ip);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::Truncated);
}

TEST(FrameDecoder, RejectsIpVersionMismatch) {
  auto ip = test::ipv4(17, test::udp(1, 2, kSip));
  ip[0] = std::byte{0x55};
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv4), ip).error().code, NetErrc::BadIpHeader);
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv6), ip).error().code, NetErrc::BadIpHeader);
  ip[0] = std::byte{0x35};
  EXPECT_EQ(decodeFrame(lt(LinkType::Raw), ip).error().code, NetErrc::BadIpHeader);
}

TEST(FrameDecoder, FlagsIpv4FirstAndNonFirstFragments) {
  auto first = test::ipv4(17, test::udp(1, 2, kSip), 0, /*MF*/ 0x2000);
  auto p = decodeFrame(lt(LinkType::Ipv4), first);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->fragment, Fragment::First);
  EXPECT_TRUE(p->more_fragments);
  EXPECT_EQ(p->fragment_id, 0x1234u);

  auto later = test::ipv4(17, test::Bytes().text("tail").bytes(), 0, /*offset 185*8*/ 185);
  p = decodeFrame(lt(LinkType::Ipv4), later);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->fragment, Fragment::NonFirst);
  EXPECT_EQ(p->fragment_offset, 185 * 8);
  EXPECT_EQ(payloadText(*p), "tail");
  EXPECT_EQ(p->src_port, 0);
}

TEST(FrameDecoder, DecodesSingleVlanTag) {
  auto inner = test::ipv4(17, test::udp(5060, 5060, kSip));
  auto frame = test::ethernet(0x8100, Bytes().u16(0x2064).u16(0x0800).append(inner).bytes());
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->vlan_depth, 1);
  EXPECT_EQ(p->vlan_id, 100);
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, DecodesQinQStack) {
  auto inner = test::ipv4(17, test::udp(5060, 5060, kSip));
  auto tags = Bytes().u16(0x000A).u16(0x8100).u16(0x0014).u16(0x0800).append(inner).bytes();
  auto frame = test::ethernet(0x88A8, tags);
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->vlan_depth, 2);
  EXPECT_EQ(p->vlan_id, 10);
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, BoundsVlanStackDepth) {
  Bytes tags;
  for (int i = 0; i < 8; ++i) {
    tags.u16(1).u16(0x8100);
  }
  tags.u16(1).u16(0x0800);  // nine tags in all
  tags.append(test::ipv4(17, test::udp(1, 2, kSip)));
  auto frame = test::ethernet(0x8100, tags.bytes());
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::TooManyVlanTags);
  FrameDecodeOptions lenient;
  lenient.max_vlan_tags = 16;
  EXPECT_TRUE(decodeFrame(lt(LinkType::Ethernet), frame, lenient).has_value());
}

TEST(FrameDecoder, DecodesPppoeSession) {
  auto ip = test::ipv4(17, test::udp(5060, 5060, kSip));
  auto pppoe = Bytes().u8(0x11).u8(0).u16(0x0001).u16(static_cast<uint16_t>(ip.size() + 2));
  pppoe.u16(0x0021).append(ip);
  auto frame = test::ethernet(0x8864, pppoe.bytes());
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, ReportsNonIpEtherTypesAsUnsupported) {
  auto arp = test::ethernet(0x0806, Bytes().zeros(28).bytes());
  auto p = decodeFrame(lt(LinkType::Ethernet), arp);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::UnsupportedEtherType);
  EXPECT_TRUE(isUnsupported(p.error().code));
  auto llc = test::ethernet(38, Bytes().zeros(38).bytes());  // 802.3 length field
  EXPECT_EQ(decodeFrame(lt(LinkType::Ethernet), llc).error().code, NetErrc::UnsupportedEtherType);
}

TEST(FrameDecoder, ReportsUnknownLinkTypeAsUnsupported) {
  auto frame = ethIpv4Udp();
  EXPECT_FALSE(isSupportedLinkType(105));
  auto p = decodeFrame(105, frame);  // IEEE 802.11
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::UnsupportedLinkType);
}

TEST(FrameDecoder, DecodesLinuxCookedV1) {
  auto ip = test::ipv4(17, test::udp(5060, 5060, kSip));
  auto frame = Bytes().u16(0).u16(1).u16(6).list({1, 2, 3, 4, 5, 6, 0, 0}).u16(0x0800);
  frame.append(ip);
  auto p = decodeFrame(lt(LinkType::LinuxSll), frame.bytes());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, DecodesLinuxCookedV2) {
  auto ip = test::ipv6(17, test::udp(5060, 5060, kSip));
  auto frame = Bytes().u16(0x86DD).u16(0).u32(2).u16(1).u8(0).u8(6);
  frame.list({1, 2, 3, 4, 5, 6, 0, 0}).append(ip);
  auto p = decodeFrame(lt(LinkType::LinuxSll2), frame.bytes());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_version, 6);
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, DecodesNullLoopbackInEitherByteOrder) {
  auto ip = test::ipv4(17, test::udp(5060, 5060, kSip));
  auto little = Bytes().u32le(2).append(ip);
  auto big = Bytes().u32(2).append(ip);
  auto darwin_v6 = Bytes().u32le(30).append(test::ipv6(17, test::udp(1, 2, kSip)));
  EXPECT_EQ(payloadText(*decodeFrame(lt(LinkType::Null), little.bytes())), kSip);
  EXPECT_EQ(payloadText(*decodeFrame(lt(LinkType::Null), big.bytes())), kSip);
  EXPECT_EQ(decodeFrame(lt(LinkType::Null), darwin_v6.bytes())->ip_version, 6);
  auto unknown = Bytes().u32le(7).append(ip);
  EXPECT_EQ(decodeFrame(lt(LinkType::Null), unknown.bytes()).error().code,
            NetErrc::UnsupportedLinkFamily);
}

TEST(FrameDecoder, DecodesOpenBsdLoopInNetworkOrder) {
  auto frame = Bytes().u32(24).append(test::ipv6(17, test::udp(1, 2, kSip)));
  auto p = decodeFrame(lt(LinkType::Loop), frame.bytes());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_version, 6);
}

TEST(FrameDecoder, DecodesEveryRawIpLinkType) {
  auto v4 = test::ipv4(17, test::udp(1, 2, kSip));
  auto v6 = test::ipv6(17, test::udp(1, 2, kSip));
  for (LinkType t : {LinkType::RawDlt, LinkType::RawOpenBsd, LinkType::Raw}) {
    EXPECT_EQ(decodeFrame(lt(t), v4)->ip_version, 4);
    EXPECT_EQ(decodeFrame(lt(t), v6)->ip_version, 6);
  }
  EXPECT_EQ(payloadText(*decodeFrame(lt(LinkType::Ipv4), v4)), kSip);
  EXPECT_EQ(payloadText(*decodeFrame(lt(LinkType::Ipv6), v6)), kSip);
}

TEST(FrameDecoder, DecodesIpv6Addresses) {
  auto frame = test::ipv6(17, test::udp(5060, 5061, kSip));
  auto p = decodeFrame(lt(LinkType::Ipv6), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->src.toString(), "2001:db8::1");
  EXPECT_EQ(p->dst.toString(), "2001:db8::2");
  EXPECT_EQ(p->family(), 10);
  EXPECT_EQ(p->dst_port, 5061);
}

TEST(FrameDecoder, WalksIpv6ExtensionHeaders) {
  auto l4 = test::udp(5060, 5060, kSip);
  // Hop-by-Hop (8 bytes) → Destination Options (16 bytes) → AH (len 4: 24 bytes) → UDP.
  auto ext = Bytes().u8(60).u8(0).zeros(6);
  ext.u8(51).u8(1).zeros(14);
  ext.u8(17).u8(4).zeros(22);
  ext.append(l4);
  auto frame = test::ipv6(0, ext.bytes());
  auto p = decodeFrame(lt(LinkType::Ipv6), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, BoundsIpv6ExtensionChain) {
  Bytes ext;
  for (int i = 0; i < 9; ++i) {
    ext.u8(60).u8(0).zeros(6);
  }
  auto ip = test::ipv6(60, ext.append(test::udp(1, 2, kSip)).bytes());
  auto p = decodeFrame(lt(LinkType::Ipv6), ip);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::TooManyExtensionHeaders);
}

TEST(FrameDecoder, ReportsTruncatedIpv6ExtensionHeader) {
  auto ext = Bytes().u8(17).u8(10).zeros(6);  // says 88 bytes, has 8
  auto frame = test::ipv6(0, ext.bytes());
  auto p = decodeFrame(lt(LinkType::Ipv6), frame);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::Truncated);
}

TEST(FrameDecoder, FlagsIpv6Fragments) {
  auto first = Bytes().u8(17).u8(0).u16(0x0001).u32(0xCAFE).append(test::udp(1, 2, kSip));
  auto frame = test::ipv6(44, first.bytes());
  auto p = decodeFrame(lt(LinkType::Ipv6), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->fragment, Fragment::First);
  EXPECT_EQ(p->fragment_id, 0xCAFEu);
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);

  auto later = Bytes().u8(17).u8(0).u16(0x05A8).u32(0xCAFE).text("rest");
  p = decodeFrame(lt(LinkType::Ipv6), test::ipv6(44, later.bytes()));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->fragment, Fragment::NonFirst);
  EXPECT_EQ(p->fragment_offset, 0x05A8);
  EXPECT_FALSE(p->more_fragments);
}

TEST(FrameDecoder, TreatsIpv6AtomicFragmentAsWholeDatagram) {
  auto atomic = Bytes().u8(17).u8(0).u16(0).u32(7).append(test::udp(1, 2, kSip));
  auto frame = test::ipv6(44, atomic.bytes());
  auto p = decodeFrame(lt(LinkType::Ipv6), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->isFragment());
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, RejectsUdpLengthOutsideBounds) {
  auto short_len = test::udp(1, 2, kSip);
  short_len[4] = std::byte{0};
  short_len[5] = std::byte{7};
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv4), test::ipv4(17, short_len)).error().code,
            NetErrc::BadUdpHeader);
  auto long_len = test::udp(1, 2, kSip);
  long_len[5] = std::byte{static_cast<uint8_t>(long_len.size() + 1)};
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv4), test::ipv4(17, long_len)).error().code,
            NetErrc::BadUdpHeader);
}

TEST(FrameDecoder, BoundsUdpPayloadByUdpLength) {
  auto l4 = test::udp(1, 2, "abc");
  l4.push_back(std::byte{'!'});  // inside the IP packet, outside the UDP length
  auto frame = test::ipv4(17, l4);
  auto p = decodeFrame(lt(LinkType::Ipv4), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(payloadText(*p), "abc");
}

TEST(FrameDecoder, DecodesTcpHeaderWithOptions) {
  auto frame = test::ethernet(0x0800, test::ipv4(6, test::tcp(5060, 40000, kSip, 8)));
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_proto, kIpProtoTcp);
  EXPECT_EQ(p->src_port, 5060);
  EXPECT_EQ(p->dst_port, 40000);
  EXPECT_EQ(p->tcp.seq, 1000u);
  EXPECT_EQ(p->tcp.ack, 2000u);
  EXPECT_EQ(p->tcp.flags, 0x18);
  EXPECT_EQ(payloadText(*p), kSip);
}

TEST(FrameDecoder, RejectsTcpDataOffsetOutsideBounds) {
  auto below = test::tcp(1, 2, "", 4);
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv4), test::ipv4(6, below)).error().code,
            NetErrc::BadTcpHeader);
  auto past = test::tcp(1, 2, "", 5);
  past[12] = std::byte{0xF0};  // 60-byte header in a 20-byte segment
  EXPECT_EQ(decodeFrame(lt(LinkType::Ipv4), test::ipv4(6, past)).error().code,
            NetErrc::BadTcpHeader);
}

TEST(FrameDecoder, PassesOtherIpProtocolsThrough) {
  // ICMP echo request; GRE and IP-in-IP are opened now (tunnel_test.cc).
  auto icmp = test::ipv4(kIpProtoIcmp, Bytes().u8(8).u8(0).u16(0).u32(1).bytes());
  auto p = decodeFrame(lt(LinkType::Ipv4), icmp);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_proto, kIpProtoIcmp);
  EXPECT_EQ(p->payload.size(), 8u);
  EXPECT_EQ(p->src_port, 0);
  EXPECT_EQ(p->tunnel_depth, 0);
}

/// Every prefix of a frame shorter than its IP packet is Truncated; never a crash or a read
/// past the end (each prefix is copied into an exactly sized buffer for ASan).
void expectEveryPrefixTruncated(uint32_t link_type, const std::vector<std::byte>& frame) {
  auto whole = decodeFrame(link_type, frame);
  ASSERT_TRUE(whole.has_value());
  const size_t end =
      static_cast<size_t>(whole->ip_packet.data() - frame.data()) + whole->ip_packet.size();
  for (size_t n = 0; n < frame.size(); ++n) {
    std::vector<std::byte> prefix(frame.begin(), frame.begin() + static_cast<ptrdiff_t>(n));
    auto p = decodeFrame(link_type, prefix);
    if (n < end) {
      ASSERT_FALSE(p.has_value()) << "prefix " << n;
      EXPECT_EQ(p.error().code, NetErrc::Truncated) << "prefix " << n;
    } else {
      EXPECT_TRUE(p.has_value()) << "prefix " << n;
    }
  }
}

TEST(FrameDecoder, ReportsTruncatedForEveryPrefixOfBuiltFrames) {
  expectEveryPrefixTruncated(lt(LinkType::Ethernet), ethIpv4Udp());
  auto qinq = test::ethernet(
      0x88A8, Bytes()
                  .u16(1)
                  .u16(0x8100)
                  .u16(2)
                  .u16(0x86DD)
                  .append(test::ipv6(
                      0, Bytes().u8(6).u8(0).zeros(6).append(test::tcp(1, 2, kSip, 6)).bytes()))
                  .bytes());
  expectEveryPrefixTruncated(lt(LinkType::Ethernet), qinq);
  auto ip = test::ipv4(17, test::udp(5060, 5060, kSip), 2);
  auto pppoe = Bytes().u8(0x11).u8(0).u16(1).u16(static_cast<uint16_t>(ip.size() + 2));
  expectEveryPrefixTruncated(lt(LinkType::Ethernet),
                             test::ethernet(0x8864, pppoe.u16(0x21).append(ip).bytes()));
  expectEveryPrefixTruncated(lt(LinkType::Null), Bytes().u32le(2).append(ip).bytes());
  expectEveryPrefixTruncated(lt(LinkType::Raw), ip);
}

}  // namespace
}  // namespace siphon::net
