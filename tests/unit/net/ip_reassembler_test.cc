#include "net/ip_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "core/byte_order.h"
#include "core/byte_reader.h"
#include "net/frame_decoder.h"
#include "support/frame_builder.h"

namespace siphon::net {
namespace {

using std::chrono::seconds;
using test::Bytes;

/// A SIP INVITE big enough to need fragments at a 1280-byte MTU.
std::string bigSip() {
  std::string sip = "INVITE sip:bob@example.com SIP/2.0\r\n";
  for (int i = 0; i < 60; ++i) {
    sip += "X-Filler-" + std::to_string(i) + ": abcdefghijklmnopqrstuvwxyz0123456789\r\n";
  }
  return sip + "Content-Length: 0\r\n\r\n";
}

/// One fragment as it came off the wire: owns its frame, keeps the decoder's view of it.
struct Frag {
  std::vector<std::byte> frame;
  DecodedPacket packet;
};

/// Cuts `l4` into pieces of `piece` bytes (a multiple of 8) and wraps each in an IPv4 header.
std::vector<Frag> ipv4Fragments(const std::vector<std::byte>& l4, size_t piece, uint16_t id = 7,
                                uint8_t proto = kIpProtoUdp) {
  std::vector<Frag> out;
  for (size_t off = 0; off < l4.size(); off += piece) {
    const size_t n = std::min(piece, l4.size() - off);
    const bool more = off + n < l4.size();
    std::vector<std::byte> data(l4.begin() + static_cast<ptrdiff_t>(off),
                                l4.begin() + static_cast<ptrdiff_t>(off + n));
    auto flags = static_cast<uint16_t>((more ? 0x2000 : 0) | (off / 8));
    out.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, proto, data, id, flags), {}});
  }
  return out;
}

/// The same over IPv6; `dest_opts` puts a Destination Options header before the Fragment
/// header, so that reassembly has to relink the chain.
std::vector<Frag> ipv6Fragments(const std::vector<std::byte>& l4, size_t piece, uint32_t id,
                                bool dest_opts = false) {
  std::vector<Frag> out;
  for (size_t off = 0; off < l4.size(); off += piece) {
    const size_t n = std::min(piece, l4.size() - off);
    const bool more = off + n < l4.size();
    std::vector<std::byte> data(l4.begin() + static_cast<ptrdiff_t>(off),
                                l4.begin() + static_cast<ptrdiff_t>(off + n));
    auto frag = test::ipv6FragmentHeader(kIpProtoUdp, static_cast<uint16_t>(off), more, id, data);
    std::vector<std::byte> frame;
    if (dest_opts) {
      // Destination Options (60): next header 44, length 0 (8 bytes), PadN option.
      auto chain = Bytes().u8(44).u8(0).u8(1).u8(4).zeros(4).append(frag).bytes();
      frame = test::ipv6Between(1, 2, 60, chain);
    } else {
      frame = test::ipv6Between(1, 2, 44, frag);
    }
    out.push_back({frame, {}});
  }
  return out;
}

/// Decodes every frame (after the vector stopped moving, so the views stay valid).
void decodeAll(std::vector<Frag>& frags) {
  for (Frag& f : frags) {
    auto p = decodeIpPacket(f.frame);
    ASSERT_TRUE(p.has_value());
    ASSERT_TRUE(p->isFragment());
    f.packet = *p;
  }
}

void expectSipDatagram(const std::vector<std::byte>& datagram, const std::string& sip,
                       uint8_t version) {
  auto p = decodeIpPacket(datagram);
  ASSERT_TRUE(p.has_value()) << netErrcName(p.error().code);
  EXPECT_FALSE(p->isFragment());
  EXPECT_EQ(p->ip_version, version);
  EXPECT_EQ(p->ip_proto, kIpProtoUdp);
  EXPECT_EQ(p->src_port, 5060);
  EXPECT_EQ(p->dst_port, 5080);
  EXPECT_EQ(core::asText(p->payload), sip);
  if (version == 4) {
    // The rebuilt header's checksum verifies: summing it with the checksum gives 0xFFFF.
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2) {
      sum += core::loadBe16(datagram.data() + i);
    }
    while (sum > 0xFFFF) {
      sum = (sum & 0xFFFF) + (sum >> 16);
    }
    EXPECT_EQ(sum, 0xFFFFu);
  }
}

TEST(IpReassembler, ReassemblesIpv4FragmentsInOrder) {
  const std::string sip = bigSip();
  auto frags = ipv4Fragments(test::udp(5060, 5080, sip), 1200);
  ASSERT_GE(frags.size(), 3u);
  decodeAll(frags);
  IpReassembler r;
  for (size_t i = 0; i + 1 < frags.size(); ++i) {
    EXPECT_FALSE(r.add(frags[i].packet, seconds(1)).has_value());
  }
  EXPECT_EQ(r.pendingDatagrams(), 1u);
  EXPECT_GT(r.pendingBytes(), 0u);
  auto datagram = r.add(frags.back().packet, seconds(1));
  ASSERT_TRUE(datagram.has_value());
  expectSipDatagram(*datagram, sip, 4);
  EXPECT_EQ(r.stats().completed, 1u);
  EXPECT_EQ(r.stats().fragments, frags.size());
  EXPECT_EQ(r.pendingDatagrams(), 0u);
  EXPECT_EQ(r.pendingBytes(), 0u);
}

TEST(IpReassembler, ReassemblesInAnyOrder) {
  const std::string sip = bigSip();
  auto frags = ipv4Fragments(test::udp(5060, 5080, sip), 256);
  decodeAll(frags);
  std::mt19937 rng(42);  // fixed seed: the same orders every run
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> order(frags.size());
    for (size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    if (round == 0) {
      std::reverse(order.begin(), order.end());
    } else {
      std::shuffle(order.begin(), order.end(), rng);
    }
    IpReassembler r;
    std::optional<std::vector<std::byte>> datagram;
    for (size_t k = 0; k < order.size(); ++k) {
      datagram = r.add(frags[order[k]].packet, seconds(1));
      EXPECT_EQ(datagram.has_value(), k + 1 == order.size()) << "round " << round;
    }
    ASSERT_TRUE(datagram.has_value());
    expectSipDatagram(*datagram, sip, 4);
  }
}

TEST(IpReassembler, IgnoresDuplicatedFragments) {
  const std::string sip = bigSip();
  auto frags = ipv4Fragments(test::udp(5060, 5080, sip), 800);
  decodeAll(frags);
  IpReassembler r;
  std::optional<std::vector<std::byte>> datagram;
  for (size_t i = 0; i < frags.size(); ++i) {
    if (i + 1 < frags.size()) {
      EXPECT_FALSE(r.add(frags[i].packet, seconds(1)).has_value());
    }
    datagram = r.add(frags[i].packet, seconds(1));  // the last one completes here, not before
  }
  ASSERT_TRUE(datagram.has_value());
  expectSipDatagram(*datagram, sip, 4);
  EXPECT_EQ(r.stats().duplicates, frags.size() - 1);
  EXPECT_EQ(r.stats().completed, 1u);
  EXPECT_EQ(r.stats().overlap, 0u);
}

TEST(IpReassembler, Ipv4OverlapKeepsTheFirstBytes) {
  const std::string sip = bigSip();
  const auto l4 = test::udp(5060, 5080, sip);
  auto frags = ipv4Fragments(l4, 512);
  ASSERT_GE(frags.size(), 3u);
  // A rogue fragment over [256, 768) with other bytes, sent after the first two.
  std::vector<std::byte> rogue(512, std::byte{'#'});
  frags.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, kIpProtoUdp, rogue, 7,
                                     static_cast<uint16_t>(0x2000 | (256 / 8))),
                   {}});
  decodeAll(frags);
  IpReassembler r;
  EXPECT_FALSE(r.add(frags[0].packet, seconds(1)).has_value());
  EXPECT_FALSE(r.add(frags[1].packet, seconds(1)).has_value());
  EXPECT_FALSE(r.add(frags.back().packet, seconds(1)).has_value());
  EXPECT_EQ(r.stats().overlap, 1u);
  std::optional<std::vector<std::byte>> datagram;
  for (size_t i = 2; i + 1 < frags.size(); ++i) {
    datagram = r.add(frags[i].packet, seconds(1));
  }
  ASSERT_TRUE(datagram.has_value());
  expectSipDatagram(*datagram, sip, 4);  // not a '#' in it: first wins

  // A rogue that only partly overlaps fills the gap it covers and nothing else.
  IpReassembler gaps;
  std::vector<Frag> partial;
  partial.push_back({frags[0].frame, {}});  // [0, 512)
  std::vector<std::byte> over(l4.begin() + 256, l4.begin() + 1024);
  std::fill(over.begin(), over.begin() + 256, std::byte{'#'});  // the overlapping half differs
  partial.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, kIpProtoUdp, over, 7,
                                       static_cast<uint16_t>(0x2000 | (256 / 8))),
                     {}});
  for (size_t i = 2; i < frags.size() - 1; ++i) {
    partial.push_back({frags[i].frame, {}});
  }
  decodeAll(partial);
  for (size_t i = 0; i < partial.size(); ++i) {
    datagram = gaps.add(partial[i].packet, seconds(1));
    EXPECT_EQ(datagram.has_value(), i + 1 == partial.size());
  }
  ASSERT_TRUE(datagram.has_value());
  expectSipDatagram(*datagram, sip, 4);
  EXPECT_EQ(gaps.stats().overlap, 1u);
}

TEST(IpReassembler, Ipv6OverlapDropsTheDatagram) {
  const std::string sip = bigSip();
  const auto l4 = test::udp(5060, 5080, sip);
  auto frags = ipv6Fragments(l4, 512, 0xABCD);
  std::vector<std::byte> over(l4.begin() + 256, l4.begin() + 768);
  frags.insert(frags.begin() + 1,
               Frag{test::ipv6Between(
                        1, 2, 44, test::ipv6FragmentHeader(kIpProtoUdp, 256, true, 0xABCD, over)),
                    {}});
  decodeAll(frags);
  IpReassembler r;
  for (const Frag& f : frags) {
    EXPECT_FALSE(r.add(f.packet, seconds(1)).has_value());
  }
  EXPECT_EQ(r.stats().overlap, 1u);  // RFC 5722: even with the same bytes
  EXPECT_EQ(r.stats().late, frags.size() - 2);
  EXPECT_EQ(r.stats().completed, 0u);
  EXPECT_EQ(r.pendingBytes(), 0u);
  EXPECT_EQ(r.expire(seconds(100)), 0u);  // the tombstone leaves silently
  EXPECT_EQ(r.stats().timeout, 0u);
}

TEST(IpReassembler, ReassemblesIpv6AndRemovesTheFragmentHeader) {
  const std::string sip = bigSip();
  for (bool dest_opts : {false, true}) {
    SCOPED_TRACE(dest_opts);
    auto frags = ipv6Fragments(test::udp(5060, 5080, sip), 1232, 0x1000, dest_opts);
    decodeAll(frags);
    IpReassembler r;
    std::optional<std::vector<std::byte>> datagram;
    for (auto it = frags.rbegin(); it != frags.rend(); ++it) {
      datagram = r.add(it->packet, seconds(1));
    }
    ASSERT_TRUE(datagram.has_value());
    expectSipDatagram(*datagram, sip, 6);
    const size_t ext = dest_opts ? 8 : 0;
    EXPECT_EQ(datagram->size(), 40 + ext + 8 + sip.size());
    EXPECT_EQ(core::loadBe16(datagram->data() + 4), ext + 8 + sip.size());
    EXPECT_EQ(static_cast<uint8_t>((*datagram)[dest_opts ? 40 : 6]), kIpProtoUdp);
  }
}

TEST(IpReassembler, DropsIncompleteDatagramsAfterTheTimeout) {
  auto frags = ipv4Fragments(test::udp(5060, 5080, bigSip()), 512);
  auto other = ipv4Fragments(test::udp(5060, 5080, "late"), 8, /*id=*/99);
  decodeAll(frags);
  decodeAll(other);
  IpReassembler r;                                 // 30 s
  for (size_t i = 0; i + 1 < frags.size(); ++i) {  // the last fragment never comes
    EXPECT_FALSE(r.add(frags[i].packet, seconds(100)).has_value());
  }
  EXPECT_EQ(r.expire(seconds(129)), 0u);
  EXPECT_EQ(r.expire(seconds(50)), 0u);  // time going backwards expires nothing
  EXPECT_FALSE(r.add(other[0].packet, seconds(130)).has_value());
  EXPECT_EQ(r.stats().timeout, 1u);
  EXPECT_EQ(r.pendingDatagrams(), 1u);  // only the new one
  // Its missing piece, now too late, starts a fresh datagram that will time out in turn.
  EXPECT_FALSE(r.add(frags.back().packet, seconds(131)).has_value());
  EXPECT_EQ(r.expire(seconds(200)), 2u);
  EXPECT_EQ(r.stats().timeout, 3u);
  EXPECT_EQ(r.pendingBytes(), 0u);
}

TEST(IpReassembler, EvictsTheOldestWhenOverTheByteBudget) {
  const std::string sip = bigSip();
  auto a = ipv4Fragments(test::udp(5060, 5080, sip), 1024, 1);
  auto b = ipv4Fragments(test::udp(5060, 5080, sip), 1024, 2);
  decodeAll(a);
  decodeAll(b);
  IpReassemblyLimits limits;
  limits.max_total_bytes = sip.size() + 1024;  // room for one datagram, not two
  IpReassembler r(limits);
  EXPECT_FALSE(r.add(a.back().packet, seconds(1)).has_value());
  std::optional<std::vector<std::byte>> datagram;
  for (const Frag& f : b) {
    datagram = r.add(f.packet, seconds(2));
  }
  ASSERT_TRUE(datagram.has_value());
  expectSipDatagram(*datagram, sip, 4);
  EXPECT_EQ(r.stats().over_budget, 1u);  // `a` made room for `b`
  EXPECT_LE(r.pendingBytes(), limits.max_total_bytes);

  // A datagram that alone does not fit is dropped, and its later fragments with it.
  limits.max_total_bytes = 1000;
  IpReassembler tiny(limits);
  for (const Frag& f : a) {
    EXPECT_FALSE(tiny.add(f.packet, seconds(1)).has_value());
  }
  EXPECT_EQ(tiny.stats().over_budget, 1u);
  EXPECT_EQ(tiny.stats().late, a.size() - 1);
}

TEST(IpReassembler, EvictsTheOldestWhenTooManyArePending) {
  IpReassemblyLimits limits;
  limits.max_pending = 2;
  IpReassembler r(limits);
  std::vector<std::vector<Frag>> datagrams;
  for (uint16_t id = 1; id <= 3; ++id) {
    datagrams.push_back(ipv4Fragments(test::udp(5060, 5080, "0123456789abcdef"), 8, id));
  }
  for (auto& d : datagrams) {
    decodeAll(d);
    EXPECT_FALSE(r.add(d[0].packet, seconds(1)).has_value());
  }
  EXPECT_EQ(r.pendingDatagrams(), 2u);
  EXPECT_EQ(r.stats().over_budget, 1u);
  // Datagram 1 was evicted: its remaining fragments no longer complete it.
  for (size_t i = 1; i < datagrams[0].size(); ++i) {
    EXPECT_FALSE(r.add(datagrams[0][i].packet, seconds(1)).has_value());
  }
  // Datagram 3 completes.
  std::optional<std::vector<std::byte>> datagram;
  for (size_t i = 1; i < datagrams[2].size(); ++i) {
    datagram = r.add(datagrams[2][i].packet, seconds(1));
  }
  ASSERT_TRUE(datagram.has_value());

  limits.max_pending = 0;
  IpReassembler off(limits);
  EXPECT_FALSE(off.add(datagrams[0][0].packet, seconds(1)).has_value());
  EXPECT_EQ(off.stats().over_budget, 1u);
}

TEST(IpReassembler, DropsDatagramsThatGrowTooLarge) {
  // Offset 65528 (the largest) with 16 bytes: past 65535 in any case ("ping of death").
  std::vector<Frag> frags;
  frags.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, kIpProtoUdp,
                                     std::vector<std::byte>(16), 5, 0x1FFF),
                   {}});
  decodeAll(frags);
  IpReassembler r;
  EXPECT_FALSE(r.add(frags[0].packet, seconds(1)).has_value());
  EXPECT_EQ(r.stats().too_large, 1u);

  IpReassemblyLimits limits;
  limits.max_datagram_bytes = 1000;
  IpReassembler small(limits);
  auto big = ipv4Fragments(test::udp(5060, 5080, bigSip()), 512);
  decodeAll(big);
  for (const Frag& f : big) {
    EXPECT_FALSE(small.add(f.packet, seconds(1)).has_value());
  }
  EXPECT_EQ(small.stats().too_large, 1u);
  EXPECT_EQ(small.stats().late, big.size() - 2);  // dropped at the third, 1024+ bytes
}

TEST(IpReassembler, RefusesInvalidFragments) {
  IpReassembler r;
  // Not a fragment at all.
  auto whole = decodeIpPacket(test::ipv4(kIpProtoUdp, test::udp(1, 2, "x")));
  ASSERT_TRUE(whole.has_value());
  EXPECT_FALSE(r.add(*whole, seconds(1)).has_value());
  EXPECT_EQ(r.stats().invalid, 1u);

  // A non-last fragment whose length is not a multiple of 8.
  std::vector<Frag> odd;
  odd.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, kIpProtoUdp,
                                   std::vector<std::byte>(13), 1, 0x2000),
                 {}});
  decodeAll(odd);
  EXPECT_FALSE(r.add(odd[0].packet, seconds(1)).has_value());
  EXPECT_EQ(r.stats().invalid, 2u);

  // Two last fragments with different ends drop the datagram.
  std::vector<Frag> ends;
  for (uint16_t offset_words : {4, 8}) {
    ends.push_back({test::ipv4Between({10, 1, 1, 1}, {10, 2, 2, 2}, kIpProtoUdp,
                                      std::vector<std::byte>(8), 2, offset_words),
                    {}});
  }
  decodeAll(ends);
  EXPECT_FALSE(r.add(ends[0].packet, seconds(1)).has_value());
  EXPECT_FALSE(r.add(ends[1].packet, seconds(1)).has_value());
  EXPECT_EQ(r.stats().invalid, 3u);

  // A view that is not the decoder's.
  DecodedPacket forged = odd[0].packet;
  std::vector<std::byte> elsewhere(8);
  forged.l4 = elsewhere;
  EXPECT_FALSE(r.add(forged, seconds(1)).has_value());
  EXPECT_EQ(r.stats().invalid, 4u);
}

TEST(IpReassembler, ReassembledTunnelIsDecapsulated) {
  const std::string sip = bigSip();
  auto inner = test::ipv4Between({192, 168, 1, 10}, {192, 168, 1, 20}, kIpProtoUdp,
                                 test::udp(5060, 5080, sip));
  auto frags = ipv4Fragments(inner, 600, 3, kIpProtoIpip);  // the outer packet is fragmented
  decodeAll(frags);
  IpReassembler r;
  std::optional<std::vector<std::byte>> datagram;
  for (const Frag& f : frags) {
    EXPECT_EQ(f.packet.tunnel_depth, 0);
    datagram = r.add(f.packet, seconds(1));
  }
  ASSERT_TRUE(datagram.has_value());
  auto p = decodeIpPacket(*datagram);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->tunnel_depth, 1);
  EXPECT_EQ(p->src.toString(), "192.168.1.10");
  EXPECT_EQ(p->outer_src.toString(), "10.1.1.1");
  EXPECT_EQ(core::asText(p->payload), sip);
}

}  // namespace
}  // namespace siphon::net
