// Tunnel decapsulation in decodeFrame: IP-in-IP, GRE, GRE-bridged Ethernet and ERSPAN I/II/III,
// each down to the inner UDP SIP payload with the inner addresses and ports.

#include <gtest/gtest.h>

#include <string>

#include "core/byte_reader.h"
#include "net/frame_decoder.h"
#include "net/gre.h"
#include "net/link_type.h"
#include "support/frame_builder.h"

namespace siphon::net {
namespace {

using test::Bytes;

constexpr std::string_view kSip = "INVITE sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";

uint32_t lt(LinkType t) { return static_cast<uint32_t>(t); }

std::vector<std::byte> innerV4() {
  return test::ipv4Between({192, 168, 1, 10}, {192, 168, 1, 20}, kIpProtoUdp,
                           test::udp(5060, 5080, kSip));
}
std::vector<std::byte> innerV6() {
  return test::ipv6Between(0x10, 0x20, kIpProtoUdp, test::udp(5060, 5080, kSip));
}
std::vector<std::byte> outerV4(uint8_t proto, const std::vector<std::byte>& payload) {
  return test::ipv4Between({203, 0, 113, 1}, {203, 0, 113, 2}, proto, payload);
}
std::vector<std::byte> outerV6(uint8_t proto, const std::vector<std::byte>& payload) {
  return test::ipv6Between(0xA1, 0xA2, proto, payload);
}

/// The inner SIP datagram came out whole, with the inner addresses and ports, as a view into
/// `frame`.
void expectInnerSip(const core::Result<DecodedPacket, NetError>& p,
                    const std::vector<std::byte>& frame, uint8_t inner_version) {
  ASSERT_TRUE(p.has_value()) << netErrcName(p.error().code) << ": " << p.error().detail;
  EXPECT_EQ(p->ip_version, inner_version);
  EXPECT_EQ(p->src.toString(), inner_version == 4 ? "192.168.1.10" : "2001:db8::10");
  EXPECT_EQ(p->dst.toString(), inner_version == 4 ? "192.168.1.20" : "2001:db8::20");
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(p->src_port, 5060);
  EXPECT_EQ(p->dst_port, 5080);
  EXPECT_EQ(core::asText(p->payload), kSip);
  EXPECT_GE(p->tunnel_depth, 1);
  EXPECT_EQ(p->payload.data() + p->payload.size(), frame.data() + frame.size());  // zero-copy
}

TEST(Tunnels, DecodesEveryIpInIpCombination) {
  struct Case {
    const char* name;
    std::vector<std::byte> frame;
    uint8_t inner_version;
    const char* outer_src;
  };
  const Case cases[] = {
      {"4in4", outerV4(kIpProtoIpip, innerV4()), 4, "203.0.113.1"},
      {"6in4", outerV4(kIpProtoIpv6, innerV6()), 6, "203.0.113.1"},
      {"4in6", outerV6(kIpProtoIpip, innerV4()), 4, "2001:db8::a1"},
      {"6in6", outerV6(kIpProtoIpv6, innerV6()), 6, "2001:db8::a1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto p = decodeIpPacket(c.frame);
    expectInnerSip(p, c.frame, c.inner_version);
    EXPECT_EQ(p->tunnel_depth, 1);
    EXPECT_EQ(p->outer_tunnel, Tunnel::IpInIp);
    EXPECT_EQ(p->outer_src.toString(), c.outer_src);
    // The same through a link layer.
    const uint16_t et = c.frame[0] == std::byte{0x45} ? 0x0800 : 0x86DD;
    auto eth = test::ethernet(et, c.frame);
    expectInnerSip(decodeFrame(lt(LinkType::Ethernet), eth), eth, c.inner_version);
  }
}

TEST(Tunnels, DecodesGreWithEveryOptionalField) {
  for (bool checksum : {false, true}) {
    for (bool key : {false, true}) {
      for (bool seq : {false, true}) {
        SCOPED_TRACE(testing::Message() << checksum << key << seq);
        auto opt_key = key ? std::optional<uint32_t>(7) : std::nullopt;
        auto opt_seq = seq ? std::optional<uint32_t>(9) : std::nullopt;
        auto v4 = outerV4(kIpProtoGre, test::gre(0x0800, innerV4(), checksum, opt_key, opt_seq));
        auto p = decodeIpPacket(v4);
        expectInnerSip(p, v4, 4);
        EXPECT_EQ(p->outer_tunnel, Tunnel::Gre);
        EXPECT_EQ(p->outer_dst.toString(), "203.0.113.2");
        auto v6 = outerV6(kIpProtoGre, test::gre(0x86DD, innerV6(), checksum, opt_key, opt_seq));
        expectInnerSip(decodeIpPacket(v6), v6, 6);
      }
    }
  }
}

TEST(Tunnels, DecodesGreTransparentEthernetBridging) {
  auto inner_frame = test::ethernet(0x8100, Bytes().u16(42).u16(0x0800).append(innerV4()).bytes());
  auto frame = test::ethernet(0x0800, outerV4(kIpProtoGre, test::gre(0x6558, inner_frame)));
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  expectInnerSip(p, frame, 4);
  EXPECT_EQ(p->outer_tunnel, Tunnel::Gre);
  EXPECT_EQ(p->vlan_depth, 1);  // the tag of the bridged frame
  EXPECT_EQ(p->vlan_id, 42);
}

TEST(Tunnels, DecodesErspanTypeI) {
  auto mirrored = test::ethernet(0x0800, innerV4());
  auto frame = test::ethernet(0x0800, outerV4(kIpProtoGre, test::gre(0x88BE, mirrored)));
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  expectInnerSip(p, frame, 4);
  EXPECT_EQ(p->outer_tunnel, Tunnel::Erspan);
}

TEST(Tunnels, DecodesErspanTypeII) {
  auto mirrored = test::ethernet(0x86DD, innerV6());
  auto frame = test::ethernet(
      0x0800, outerV4(kIpProtoGre, test::gre(0x88BE, test::erspanII(100, 5, mirrored), false,
                                             std::nullopt, 1234)));
  auto p = decodeFrame(lt(LinkType::Ethernet), frame);
  expectInnerSip(p, frame, 6);
  EXPECT_EQ(p->outer_tunnel, Tunnel::Erspan);
  EXPECT_EQ(p->outer_src.toString(), "203.0.113.1");
}

TEST(Tunnels, DecodesErspanTypeIIIWithAndWithoutSubheader) {
  for (bool subheader : {false, true}) {
    SCOPED_TRACE(subheader);
    auto mirrored = test::ethernet(0x0800, innerV4());
    auto frame = test::ethernet(
        0x86DD, outerV6(kIpProtoGre, test::gre(0x22EB, test::erspanIII(7, 3, mirrored, subheader),
                                               false, std::nullopt, 1)));
    auto p = decodeFrame(lt(LinkType::Ethernet), frame);
    expectInnerSip(p, frame, 4);
    EXPECT_EQ(p->outer_tunnel, Tunnel::Erspan);
    EXPECT_EQ(p->outer_src.toString(), "2001:db8::a1");
  }
}

TEST(Tunnels, DecodesErspanTypeIIIIpFrame) {
  auto frame = outerV4(kIpProtoGre, test::gre(0x22EB, test::erspanIII(7, 3, innerV6(), false, 2)));
  expectInnerSip(decodeIpPacket(frame), frame, 6);
}

TEST(Tunnels, RejectsErspanVersionMismatch) {
  auto mirrored = test::ethernet(0x0800, innerV4());
  auto header = test::erspanII(1, 1, mirrored);
  header[0] = std::byte{0x20};  // version 2 under protocol 0x88BE
  auto frame = outerV4(kIpProtoGre, test::gre(0x88BE, header, false, std::nullopt, 1));
  auto p = decodeIpPacket(frame);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::BadErspanHeader);
}

// PPTP (RFC 2637): enhanced GRE carrying PPP, with every optional field and both PPP
// compressions, over IPv4 and IPv6, down to the SIP inside.
TEST(Tunnels, DecodesPptpGreCarryingPpp) {
  for (bool address_control : {true, false}) {
    for (bool pfc : {false, true}) {
      for (bool seq : {false, true}) {
        for (bool ack : {false, true}) {
          SCOPED_TRACE(testing::Message() << "acfc " << !address_control << " pfc " << pfc
                                          << " seq " << seq << " ack " << ack);
          const auto s = seq ? std::optional<uint32_t>(7) : std::nullopt;
          const auto a = ack ? std::optional<uint32_t>(6) : std::nullopt;
          auto v4 =
              outerV4(kIpProtoGre,
                      test::pptpGre(0x1234, test::pppFrame(innerV4(), address_control, pfc), s, a));
          auto p = decodeIpPacket(v4);
          expectInnerSip(p, v4, 4);
          EXPECT_EQ(p->outer_tunnel, Tunnel::Pptp);
          EXPECT_EQ(p->outer_src.toString(), "203.0.113.1");
          auto v6 = test::ethernet(
              0x86DD,
              outerV6(kIpProtoGre,
                      test::pptpGre(9, test::pppFrame(innerV6(), address_control, pfc), s, a)));
          expectInnerSip(decodeFrame(lt(LinkType::Ethernet), v6), v6, 6);
        }
      }
    }
  }
  // The header alone, with its fields.
  auto gre = test::pptpGre(0x4321, test::pppFrame(innerV4(), true, false), 11, 10);
  auto h = decodeGre(gre);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->version, 1);
  EXPECT_EQ(h->pptpCallId(), 0x4321);
  EXPECT_EQ(h->sequence, 11u);
  EXPECT_TRUE(h->has_ack);
  EXPECT_EQ(h->ack, 10u);
  EXPECT_EQ(h->payload.size(), innerV4().size() + 4);
}

// Bytes after Payload Length are padding, not PPP: the inner packet still ends where it says.
TEST(Tunnels, PptpPayloadStopsAtItsLength) {
  auto gre = test::pptpGre(1, test::pppFrame(innerV4(), true, false), 1);
  gre.push_back(std::byte{0xEE});
  auto h = decodeGre(gre);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->payload.size(), innerV4().size() + 4);
  // A Payload Length past the packet is a truncation.
  auto cut = test::pptpGre(1, test::pppFrame(innerV4(), true, false), 1);
  cut.resize(cut.size() - 1);
  auto p = decodeIpPacket(outerV4(kIpProtoGre, cut));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::Truncated);
}

TEST(Tunnels, ReportsGreItDoesNotOpen) {
  // A PPTP packet that only acknowledges: nothing inside, skipped, not malformed.
  auto ack_only =
      outerV4(kIpProtoGre, Bytes().u16(0x2081).u16(0x880B).u16(0).u16(5).u32(1).bytes());
  auto p = decodeIpPacket(ack_only);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::UnsupportedTunnel);
  EXPECT_TRUE(isUnsupported(p.error().code));
  // PPP control traffic (LCP) and MPPE-compressed data: skipped as not IP.
  for (uint16_t proto : {0xC021, 0x00FD}) {
    auto ppp = Bytes().u8(0xFF).u8(0x03).u16(proto).u32(0).bytes();
    p = decodeIpPacket(outerV4(kIpProtoGre, test::pptpGre(1, ppp, 1)));
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, NetErrc::UnsupportedEtherType) << proto;
  }
  // Version 1 that is not PPTP's (another protocol, or no key), and version 2.
  for (uint16_t flags : {0x2001, 0x0001, 0x2002}) {
    const uint16_t proto = flags == 0x2001 ? 0x0800 : 0x880B;
    p = decodeIpPacket(
        outerV4(kIpProtoGre, Bytes().u16(flags).u16(proto).u32(0x00040001).u32(0).bytes()));
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, NetErrc::UnsupportedTunnel) << flags;
  }

  auto mpls = outerV4(kIpProtoGre, test::gre(0x8847, Bytes().u32(0).bytes()));
  p = decodeIpPacket(mpls);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::UnsupportedTunnel);

  auto routing = outerV4(kIpProtoGre, Bytes().u16(0x4000).u16(0x0800).append(innerV4()).bytes());
  p = decodeIpPacket(routing);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::BadGreHeader);
}

std::vector<std::byte> nestIpInIp(size_t levels) {
  auto packet = innerV4();
  for (size_t i = 0; i < levels; ++i) {
    packet = i % 2 == 0 ? outerV4(kIpProtoIpip, packet)
                        : outerV4(kIpProtoGre, test::gre(0x0800, packet));
  }
  return packet;
}

TEST(Tunnels, BoundsNestingDepth) {
  auto four = nestIpInIp(4);
  auto p = decodeIpPacket(four);
  expectInnerSip(p, four, 4);
  EXPECT_EQ(p->tunnel_depth, 4);
  EXPECT_EQ(p->outer_tunnel, Tunnel::Gre);  // the outermost one (level 4 is GRE)

  auto five = nestIpInIp(5);
  p = decodeIpPacket(five);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::TooManyTunnels);

  FrameDecodeOptions none;
  none.max_tunnel_depth = 0;
  p = decodeIpPacket(nestIpInIp(1), none);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::TooManyTunnels);
  EXPECT_TRUE(decodeIpPacket(innerV4(), none).has_value());
}

TEST(Tunnels, GreLoopOfMaximalDepthStops) {
  // A GRE packet whose payload is itself: the same bytes can only nest as deep as the frame
  // allows, but a crafted chain of tiny headers must still stop at the bound.
  auto packet = innerV4();
  for (int i = 0; i < 64; ++i) {
    packet = outerV4(kIpProtoGre, test::gre(0x0800, packet));
  }
  auto p = decodeIpPacket(packet);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, NetErrc::TooManyTunnels);
}

TEST(Tunnels, StopsAtAnOuterFragment) {
  auto frame = test::ipv4Between({203, 0, 113, 1}, {203, 0, 113, 2}, kIpProtoIpip, innerV4(), 0x77,
                                 /*MF*/ 0x2000);
  auto p = decodeIpPacket(frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->isFragment());
  EXPECT_EQ(p->tunnel_depth, 0);
  EXPECT_EQ(p->ip_proto, kIpProtoIpip);
  EXPECT_EQ(p->src.toString(), "203.0.113.1");
}

TEST(Tunnels, FlagsAnInnerFragmentWithInnerAddresses) {
  auto inner = test::ipv4Between({192, 168, 1, 10}, {192, 168, 1, 20}, kIpProtoUdp,
                                 test::udp(5060, 5080, kSip), 0x55, 0x2000);
  auto p = decodeIpPacket(outerV6(kIpProtoIpip, inner));
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->isFragment());
  EXPECT_EQ(p->fragment_id, 0x55u);
  EXPECT_EQ(p->src.toString(), "192.168.1.10");
  EXPECT_EQ(p->tunnel_depth, 1);
}

/// The tunnel payload cut at every length (outer lengths kept consistent): Truncated, never a
/// crash; each cut lives in an exactly sized buffer so that ASan sees over-reads.
void expectEveryInnerCutTruncated(uint8_t outer_proto, const std::vector<std::byte>& tunneled) {
  for (size_t n = 0; n < tunneled.size(); ++n) {
    std::vector<std::byte> cut(tunneled.begin(), tunneled.begin() + static_cast<ptrdiff_t>(n));
    auto packet = outerV4(outer_proto, cut);
    auto p = decodeIpPacket(packet);
    ASSERT_FALSE(p.has_value()) << "cut at " << n;
    EXPECT_EQ(p.error().code, NetErrc::Truncated) << "cut at " << n;
  }
}

TEST(Tunnels, ReportsTruncatedForEveryCutOfTheInnerPacket) {
  expectEveryInnerCutTruncated(kIpProtoIpip, innerV4());
  expectEveryInnerCutTruncated(kIpProtoIpv6, innerV6());
  expectEveryInnerCutTruncated(kIpProtoGre, test::gre(0x0800, innerV4(), true, 1, 2));
  expectEveryInnerCutTruncated(kIpProtoGre, test::gre(0x6558, test::ethernet(0x0800, innerV4())));
  // PPTP: every cut until the full Payload Length is there is short of it.
  expectEveryInnerCutTruncated(kIpProtoGre,
                               test::pptpGre(1, test::pppFrame(innerV4(), true, false), 1, 2));
  expectEveryInnerCutTruncated(
      kIpProtoGre, test::gre(0x88BE, test::erspanII(1, 1, test::ethernet(0x86DD, innerV6())), false,
                             std::nullopt, 1));
  expectEveryInnerCutTruncated(
      kIpProtoGre,
      test::gre(0x22EB, test::erspanIII(1, 1, test::ethernet(0x0800, innerV4()), true)));
}

TEST(Tunnels, DecodesSctpPortsAndChunks) {
  auto chunks = test::sctpData(1, 0, "abc");
  auto frame = outerV4(kIpProtoSctp, test::sctp(5060, 5061, chunks));
  auto p = decodeIpPacket(frame);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip_proto, kIpProtoSctp);
  EXPECT_EQ(p->src_port, 5060);
  EXPECT_EQ(p->dst_port, 5061);
  EXPECT_EQ(p->payload.size(), chunks.size());
  auto too_short = outerV4(kIpProtoSctp, Bytes().u32(0).u32(0).bytes());
  EXPECT_EQ(decodeIpPacket(too_short).error().code, NetErrc::Truncated);
}

}  // namespace
}  // namespace siphon::net
