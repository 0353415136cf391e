// HEPv3 decoding: worked examples A and B, the spec example, the heplify vector, the chunk
// rules of §1.9 and the negative test ideas 1-8 of §1.12.

#include <gtest/gtest.h>

#include "hep/hep_chunk_types.h"
#include "hep/hep_decoder.h"
#include "support/hep_bytes.h"
#include "support/hep_vectors.h"

namespace siphon::hep {
namespace {

using testing::Bytes;
using testing::fromHex;
using testing::ip;
using testing::text;

// Decodes a copy of `b` that stays alive until the next call, so that tests may pass a
// temporary packet and still read the views of the result.
core::Result<DecodeInfo, HepError> decode(const Bytes& b, core::CaptureMeta& m,
                                          const DecodeOptions& o = {}) {
  static Bytes last_packet;
  static std::vector<std::byte> inflated;
  last_packet = b;
  return decodeHep(last_packet, m, &inflated, o);
}

HepErrc errorOf(const Bytes& b, const DecodeOptions& o = {}) {
  core::CaptureMeta m;
  auto r = decode(b, m, o);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? HepErrc::Unencodable : r.error().code;
}

// A HEPv3 packet from chunks given as hex; the header's total length is computed.
Bytes hep3(std::initializer_list<std::string_view> chunks) {
  Bytes out = fromHex("48 45 50 33 00 00");
  for (auto c : chunks) {
    Bytes b = fromHex(c);
    out.insert(out.end(), b.begin(), b.end());
  }
  out[4] = static_cast<std::byte>(out.size() >> 8);
  out[5] = static_cast<std::byte>(out.size() & 0xff);
  return out;
}

// The SIP minimum (addresses, ports) of example A as separate chunks.
constexpr std::string_view kSrc4 = "0000 0003 000a c0a8010a";
constexpr std::string_view kDst4 = "0000 0004 000a c0a80114";
constexpr std::string_view kSport = "0000 0007 0008 13c4";
constexpr std::string_view kDport = "0000 0008 0008 13d8";
constexpr std::string_view kPayloadX = "0000 000f 0007 58";  // "X"

TEST(HepV3Decode, ExampleA) {
  Bytes a = fromHex(testing::kExampleA);
  ASSERT_EQ(a.size(), 117u);
  core::CaptureMeta m;
  auto r = decode(a, m);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(r->packet_bytes, 117u);
  EXPECT_EQ(r->trailing_bytes, 0u);
  EXPECT_EQ(m.hep_version, 3);
  EXPECT_EQ(m.ip_family, 2);
  EXPECT_EQ(m.ip_proto, 17);
  EXPECT_EQ(m.src_ip, ip("192.168.1.10"));
  EXPECT_EQ(m.dst_ip, ip("192.168.1.20"));
  EXPECT_EQ(m.src_port, 5060);
  EXPECT_EQ(m.dst_port, 5080);
  EXPECT_EQ(m.ts_sec, 1700000000u);
  EXPECT_EQ(m.ts_usec, 123456u);
  EXPECT_EQ(m.payload_type, 1);
  EXPECT_EQ(m.capture_id, 2001u);
  EXPECT_FALSE(m.has_auth_key);
  EXPECT_FALSE(m.payload_compressed);
  EXPECT_EQ(text(m.payload), "SIP/2.0 200 OK\r\n\r\n");
  EXPECT_TRUE(m.other_chunks.empty());
  // Zero-copy: the payload is a view into the packet.
  core::CaptureMeta direct;
  ASSERT_TRUE(decodeHep(a, direct, nullptr).has_value());
  EXPECT_EQ(direct.payload.data(), a.data() + 99);
  EXPECT_EQ(m.transport(), core::Transport::Udp);
}

TEST(HepV3Decode, ExampleB) {
  Bytes b = fromHex(testing::kExampleB);
  ASSERT_EQ(b.size(), 203u);
  core::CaptureMeta m;
  auto r = decode(b, m);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(m.ip_family, 10);
  EXPECT_EQ(m.ip_proto, 6);
  EXPECT_EQ(m.src_ip, ip("2001:db8::1"));
  EXPECT_EQ(m.dst_ip, ip("2001:db8::2"));
  EXPECT_EQ(m.src_port, 5061);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.ts_sec, 1700000001u);
  EXPECT_EQ(m.ts_usec, 999999u);
  EXPECT_EQ(m.payload_type, 1);
  EXPECT_EQ(m.capture_id, 1u);
  EXPECT_TRUE(m.has_auth_key);
  EXPECT_EQ(m.auth_key, "secret");
  EXPECT_EQ(m.correlation_id, "abc@host");
  EXPECT_EQ(m.node_name, "node1");
  EXPECT_EQ(m.payload.size(), 35u);
  EXPECT_EQ(text(m.payload), "BYE sip:a@[2001:db8::1] SIP/2.0\r\n\r\n");
  // The vendor chunk does not touch any field and is kept for relaying.
  ASSERT_EQ(m.other_chunks.size(), 1u);
  EXPECT_EQ(m.other_chunks[0].vendor, 3);
  EXPECT_EQ(m.other_chunks[0].type, 0x22);
  EXPECT_EQ(text(m.other_chunks[0].value), "xy");
  EXPECT_EQ(m.transport(), core::Transport::Tcp);
}

TEST(HepV3Decode, SpecExample) {
  Bytes s = testing::readTestData("hep/hep3_spec_example.bin");
  ASSERT_EQ(s.size(), 113u);
  core::CaptureMeta m;
  auto r = decode(s, m);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(m.ip_family, 2);
  EXPECT_EQ(m.ip_proto, 17);
  EXPECT_EQ(m.src_ip, ip("212.202.0.1"));
  EXPECT_EQ(m.dst_ip, ip("82.116.0.211"));
  EXPECT_EQ(m.src_port, 12010);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.ts_sec, 1313440459u);
  EXPECT_EQ(m.ts_usec, 120000u);
  EXPECT_EQ(m.payload_type, 1);
  EXPECT_EQ(m.capture_id, 228u);
  EXPECT_EQ(text(m.payload), "INVITE sip:bob");
}

TEST(HepV3Decode, Heplify200Ok) {
  Bytes h = testing::readTestData("hep/heplify_hep3_sip_200ok.bin");
  ASSERT_EQ(h.size(), 778u);
  core::CaptureMeta m;
  auto r = decode(h, m);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(m.src_ip, ip("192.168.247.250"));
  EXPECT_EQ(m.dst_ip, ip("192.168.245.250"));
  EXPECT_EQ(m.src_port, 5060);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.ts_sec, 1520606104u);
  EXPECT_EQ(m.ts_usec, 119540u);
  EXPECT_EQ(m.capture_id, 0u);
  // An empty 0x000e is still an auth key chunk.
  EXPECT_TRUE(m.has_auth_key);
  EXPECT_EQ(m.auth_key, "");
  EXPECT_EQ(m.payload.size(), 673u);
  EXPECT_EQ(text(m.payload).substr(0, 16), "SIP/2.0 200 OK\r\n");
  // Same payload as the UDP payload of the raw Ethernet frame (14 + 20 + 8 bytes of headers).
  Bytes frame = testing::readTestData("hep/heplify_raw_eth_frame_sip_200ok.bin");
  ASSERT_EQ(frame.size(), 715u);
  EXPECT_TRUE(testing::sameBytes(m.payload, std::span(frame).subspan(42)));
}

TEST(HepV3Decode, Eep1MagicIsHep3) {
  Bytes a = fromHex(testing::kExampleA);
  a[0] = std::byte{'E'};
  a[3] = std::byte{'1'};
  core::CaptureMeta m;
  ASSERT_TRUE(decode(a, m).has_value());
  EXPECT_EQ(m.hep_version, 3);
  DecodeOptions strict;
  strict.accept_eep1 = false;
  EXPECT_EQ(errorOf(a, strict), HepErrc::BadMagic);
}

// --- Negative test ideas 1-8 (§1.12) ---

TEST(HepV3Decode, Negative1TotalOneMoreThanReceived) {
  Bytes a = fromHex(testing::kExampleA);
  a[5] = std::byte{0x76};
  EXPECT_EQ(errorOf(a), HepErrc::BadTotalLength);
}

TEST(HepV3Decode, Negative2TotalOneLessOverrunsLastChunk) {
  Bytes a = fromHex(testing::kExampleA);
  a[5] = std::byte{0x74};
  EXPECT_EQ(errorOf(a), HepErrc::BadChunkLength);
}

TEST(HepV3Decode, Negative3ChunkLengthFive) {
  EXPECT_EQ(errorOf(hep3({"0000 0001 0005", kPayloadX})), HepErrc::BadChunkLength);
}

TEST(HepV3Decode, Negative4ChunkLengthZero) {
  EXPECT_EQ(errorOf(hep3({"0000 0001 0000", kPayloadX})), HepErrc::BadChunkLength);
}

TEST(HepV3Decode, Negative5PortWithThreeBytes) {
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, "0000 0007 0009 0013c4", kDport, kPayloadX})),
            HepErrc::BadChunkValueSize);
}

TEST(HepV3Decode, Negative6ReservedGenericType) {
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, kSport, kDport, "0000 0000 0006", kPayloadX})),
            HepErrc::ReservedChunk);
  // Type 0 of a vendor is that vendor's business: kept.
  core::CaptureMeta m;
  EXPECT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, "0002 0000 0006", kPayloadX}), m).has_value());
  EXPECT_EQ(m.other_chunks.size(), 1u);
}

TEST(HepV3Decode, Negative7TrailingBytesAcceptedAndCounted) {
  Bytes a = fromHex(testing::kExampleA);
  for (int i = 0; i < 4; ++i) a.push_back(std::byte{0xee});
  core::CaptureMeta m;
  auto r = decode(a, m);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->packet_bytes, 117u);
  EXPECT_EQ(r->trailing_bytes, 4u);
  EXPECT_EQ(text(m.payload), "SIP/2.0 200 OK\r\n\r\n");
}

TEST(HepV3Decode, Negative8TwoPayloadsLastWins) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, "0000 000f 0007 41", "0000 000f 0008 4242"}), m)
                  .has_value());
  EXPECT_EQ(text(m.payload), "BB");
}

// --- Chunk rules ---

TEST(HepV3Decode, DuplicateFieldLastWins) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, "0000 0007 0008 0001", kPayloadX,
                           "0000 0011 0007 61", "0000 0011 0007 62"}),
                     m)
                  .has_value());
  EXPECT_EQ(m.src_port, 1);
  EXPECT_EQ(m.correlation_id, "b");
}

TEST(HepV3Decode, FixedSizesAreChecked) {
  struct Case {
    const char* chunk;
    bool ok;
  };
  const Case cases[] = {
      {"0000 0001 0008 0200", false},      {"0000 0002 0006", false},
      {"0000 0003 0009 c0a801", false},    {"0000 0005 000a c0a8010a", false},
      {"0000 0009 0009 000000", false},    {"0000 000a 000b 0000000000", false},
      {"0000 000b 0008 0100", false},      {"0000 000c 0008 0001", false},
      {"0000 000d 0007 05", false},        {"0000 0012 0007 05", false},
      {"0000 0012 0008 0005", true},       {"0000 0016 0008 0800", true},
      {"0000 0016 0007 08", false},        {"0000 0017 0007 02", true},
      {"0000 0023 000a 00000001", true},   {"0000 0023 0008 0001", false},
      // MAC chunks: packing UNVERIFIED, any size kept raw.
      {"0000 0014 000c 001122334455", true}, {"0000 0015 000e 0011223344556677", true},
      // Unknown generic type and reserved 0x0019: any size, kept raw.
      {"0000 7777 0009 010203", true},     {"0000 0019 0007 01", true},
  };
  for (const auto& c : cases) {
    core::CaptureMeta m;
    auto r = decode(hep3({kSrc4, kDst4, kSport, kDport, c.chunk, kPayloadX}), m);
    EXPECT_EQ(r.has_value(), c.ok) << c.chunk;
    if (!c.ok && !r.has_value()) {
      EXPECT_EQ(r.error().code, HepErrc::BadChunkValueSize) << c.chunk;
    }
    if (c.ok && r.has_value()) {
      ASSERT_EQ(m.other_chunks.size(), 1u) << c.chunk;
    }
  }
}

TEST(HepV3Decode, KnownChunksWithoutFieldsKeptInOrder) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({"0000 0012 0008 0064", kSrc4, "0003 0022 0008 7879", kDst4, kSport,
                           kDport, "0000 0065 0008 7b7d", kPayloadX, "0000 0029 0007 67"}),
                     m)
                  .has_value());
  ASSERT_EQ(m.other_chunks.size(), 4u);
  EXPECT_EQ(m.other_chunks[0].type, 0x12);
  EXPECT_EQ(m.other_chunks[1].vendor, 3);
  EXPECT_EQ(m.other_chunks[2].type, 0x65);
  EXPECT_EQ(text(m.other_chunks[2].value), "{}");
  EXPECT_EQ(m.other_chunks[3].type, 0x29);
}

TEST(HepV3Decode, VendorChunkNeverOverwritesAField) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, kPayloadX, "0001 000f 0007 5a"}), m)
                  .has_value());
  EXPECT_EQ(text(m.payload), "X");
  ASSERT_EQ(m.other_chunks.size(), 1u);
  EXPECT_EQ(m.other_chunks[0].vendor, 1);
}

TEST(HepV3Decode, KeepAliveNodeNameCorrelation) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, "0000 000d 0008 001e",
                           "0000 0013 000b 6e6f646531", "0000 0011 0009 414243", kPayloadX}),
                     m)
                  .has_value());
  EXPECT_EQ(m.keepalive, 30);
  EXPECT_EQ(m.node_name, "node1");
  EXPECT_EQ(m.correlation_id, "ABC");
  EXPECT_FALSE(m.has_auth_key);
}

TEST(HepV3Decode, Ipv4MappedAddressInIpv4ChunkIsUnmapped) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({"0000 0003 0016 00000000000000000000ffff c0a8010a", kDst4, kSport,
                           kDport, kPayloadX}),
                     m)
                  .has_value());
  EXPECT_EQ(m.src_ip, ip("192.168.1.10"));
  EXPECT_TRUE(m.src_ip.isV4());
  // A real IPv6 address in an IPv4 chunk is not tolerated.
  EXPECT_EQ(errorOf(hep3({"0000 0003 0016 20010db8000000000000000000000001", kDst4, kSport,
                          kDport, kPayloadX})),
            HepErrc::BadChunkValueSize);
}

TEST(HepV3Decode, FamilyFollowsAddressChunks) {
  core::CaptureMeta m;
  // No 0x0001: IPv6 address chunks make it IPv6.
  ASSERT_TRUE(decode(hep3({"0000 0005 0016 20010db8000000000000000000000001",
                           "0000 0006 0016 20010db8000000000000000000000002", kSport, kDport,
                           kPayloadX}),
                     m)
                  .has_value());
  EXPECT_EQ(m.ip_family, 10);
  EXPECT_TRUE(m.src_ip.isV6());
  // 0x0001 is kept raw as sent, even when it disagrees (a hint only).
  ASSERT_TRUE(decode(hep3({"0000 0001 0007 1c", kSrc4, kDst4, kSport, kDport, kPayloadX}), m)
                  .has_value());
  EXPECT_EQ(m.ip_family, 28);
  EXPECT_TRUE(m.src_ip.isV4());
}

TEST(HepV3Decode, RequiresPayload) {
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, kSport, kDport})), HepErrc::NoPayload);
  EXPECT_EQ(errorOf(hep3({})), HepErrc::NoPayload);
  // An empty payload chunk is a payload.
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, "0000 000f 0006"}), m).has_value());
  EXPECT_TRUE(m.payload.empty());
}

TEST(HepV3Decode, SipRequiresAddressesAndPorts) {
  EXPECT_EQ(errorOf(hep3({kDst4, kSport, kDport, kPayloadX})), HepErrc::NoAddresses);
  EXPECT_EQ(errorOf(hep3({kSrc4, kSport, kDport, kPayloadX})), HepErrc::NoAddresses);
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, kDport, kPayloadX})), HepErrc::NoAddresses);
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, kSport, kPayloadX})), HepErrc::NoAddresses);
  // Missing 0x000b means SIP (as in v1/v2), so the same rule applies.
  EXPECT_EQ(errorOf(hep3({kPayloadX})), HepErrc::NoAddresses);
  // A log record (type 100) needs no addresses.
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({"0000 000b 0007 64", "0000 0011 0007 63", kPayloadX}), m).has_value());
  EXPECT_EQ(m.payload_type, 100);
  EXPECT_TRUE(m.src_ip.empty());
  EXPECT_EQ(m.ip_family, 0);
}

TEST(HepV3Decode, MissingTimeIsZero) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, kPayloadX}), m).has_value());
  EXPECT_EQ(m.ts_sec, 0u);
  EXPECT_EQ(m.ts_usec, 0u);
  EXPECT_EQ(m.ip_family, 2);  // from the address chunks
}

TEST(HepV3Decode, TooManyChunks) {
  DecodeOptions o;
  o.max_chunks = 5;
  core::CaptureMeta m;
  EXPECT_TRUE(decode(hep3({kSrc4, kDst4, kSport, kDport, kPayloadX}), m, o).has_value());
  EXPECT_EQ(errorOf(hep3({kSrc4, kDst4, kSport, kDport, "0000 0012 0008 0001", kPayloadX}), o),
            HepErrc::TooManyChunks);
}

TEST(HepV3Decode, TotalLengthBelowSix) {
  Bytes a = fromHex(testing::kExampleA);
  for (uint8_t t : {0, 1, 5}) {
    a[4] = std::byte{0};
    a[5] = std::byte{t};
    EXPECT_EQ(errorOf(a), HepErrc::BadTotalLength) << int{t};
  }
  // Total 6: a packet with no chunks, hence no payload.
  a[5] = std::byte{6};
  EXPECT_EQ(errorOf(a), HepErrc::NoPayload);
}

TEST(HepV3Decode, PartialChunkHeaderInsideTotal) {
  Bytes p = hep3({kSrc4, kDst4, kSport, kDport, kPayloadX, "0000 00"});
  EXPECT_EQ(errorOf(p), HepErrc::BadChunkLength);
}

TEST(HepV3Decode, ClearsPreviousResultAndReusesCapacity) {
  core::CaptureMeta m;
  ASSERT_TRUE(decode(fromHex(testing::kExampleB), m).has_value());
  ASSERT_EQ(m.other_chunks.size(), 1u);
  const auto capacity = m.other_chunks.capacity();
  ASSERT_TRUE(decode(fromHex(testing::kExampleA), m).has_value());
  EXPECT_TRUE(m.other_chunks.empty());
  EXPECT_EQ(m.other_chunks.capacity(), capacity);
  EXPECT_FALSE(m.has_auth_key);
  EXPECT_EQ(m.auth_key, "");
  EXPECT_EQ(m.node_name, "");
}

TEST(HepV3Decode, V1V2RefusedWhenNotAccepted) {
  DecodeOptions tcp;
  tcp.accept_v1_v2 = false;
  EXPECT_EQ(errorOf(fromHex(testing::kExampleC), tcp), HepErrc::BadMagic);
}

}  // namespace
}  // namespace siphon::hep
