// Robustness: every prefix of every vector, lengths 0/1/max/max+1, framing for TCP, the
// classification gate, the owning form, error names and the chunk catalogue.

#include <gtest/gtest.h>

#include <set>

#include "hep/hep_chunk_types.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "support/hep_bytes.h"
#include "support/hep_vectors.h"

namespace siphon::hep {
namespace {

using testing::Bytes;
using testing::fromHex;
using testing::text;

struct Vector {
  const char* name;
  Bytes bytes;
};

std::vector<Vector> allVectors() {
  return {
      {"A", fromHex(testing::kExampleA)},
      {"B", fromHex(testing::kExampleB)},
      {"C", fromHex(testing::kExampleC)},
      {"D", fromHex(testing::kExampleD)},
      {"spec", testing::readTestData("hep/hep3_spec_example.bin")},
      {"heplify", testing::readTestData("hep/heplify_hep3_sip_200ok.bin")},
      {"fenollp", testing::readTestData("hep/fenollp_hep1_real_sip_200ok.bin")},
  };
}

// Prefixes are copied into exactly sized heap buffers so ASan flags any read past the end.
TEST(HepRobustness, EveryPrefixOfAV3VectorIsAnError) {
  for (const auto& v : allVectors()) {
    const bool v3 = v.bytes[0] == std::byte{'H'};
    core::CaptureMeta m;
    std::vector<std::byte> inflated;
    for (size_t n = 0; n < v.bytes.size(); ++n) {
      Bytes prefix(v.bytes.begin(), v.bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = decodeHep(prefix, m, &inflated);
      if (v3) {
        EXPECT_FALSE(r.has_value()) << v.name << " prefix " << n;
      } else {
        // v1/v2 have no length field: a prefix that still holds the whole header is a valid
        // packet with a shorter payload; anything shorter is an error.
        const size_t header = v.bytes[0] == std::byte{2} ? 28 : 16;
        EXPECT_EQ(r.has_value(), n > header) << v.name << " prefix " << n;
        if (r.has_value()) {
          EXPECT_EQ(m.payload.size(), n - header);
        }
      }
    }
  }
}

TEST(HepRobustness, EverySingleByteCorruptionIsHandled) {
  // Not a correctness check: each mutated packet must decode or fail cleanly (ASan/UBSan).
  for (const auto& v : allVectors()) {
    core::CaptureMeta m;
    std::vector<std::byte> inflated;
    for (size_t i = 0; i < v.bytes.size() && i < 128; ++i) {
      for (uint8_t x : {0x00, 0x01, 0x05, 0x06, 0x7f, 0x80, 0xff}) {
        Bytes copy = v.bytes;
        copy[i] = std::byte{x};
        (void)decodeHep(copy, m, &inflated);
      }
    }
  }
  SUCCEED();
}

TEST(HepRobustness, LengthsZeroAndOne) {
  core::CaptureMeta m;
  auto r = decodeHep({}, m, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::Truncated);
  for (uint8_t b : std::initializer_list<uint8_t>{0x00, 0x01, 0x02, 0x03, 'H', 'E', 'X', 0xff}) {
    Bytes one{std::byte{b}};
    r = decodeHep(one, m, nullptr);
    ASSERT_FALSE(r.has_value());
    const bool could_be_hep = b == 1 || b == 2 || b == 'H' || b == 'E';
    EXPECT_EQ(r.error().code, could_be_hep ? HepErrc::Truncated : HepErrc::BadMagic) << int{b};
  }
  r = decodeHep(fromHex("48 45 50"), m, nullptr);
  EXPECT_EQ(r.error().code, HepErrc::Truncated);
  r = decodeHep(fromHex("48 45 50 34 00 06"), m, nullptr);
  EXPECT_EQ(r.error().code, HepErrc::BadMagic);
}

// A SIP HEPv3 packet of exactly `size` bytes (payload fills the rest).
Bytes hep3OfSize(size_t size) {
  core::CaptureMeta m;
  m.src_ip = testing::ip("192.0.2.1");
  m.dst_ip = testing::ip("192.0.2.2");
  m.src_port = 1;
  m.dst_port = 2;
  static Bytes payload;
  payload.assign(size - 99, std::byte{'x'});
  m.payload = payload;
  Bytes out;
  EXPECT_TRUE(encodeHep(m, out).has_value());
  EXPECT_EQ(out.size(), size);
  return out;
}

TEST(HepRobustness, MaxAndMaxPlusOne) {
  core::CaptureMeta m;
  // The protocol maximum: 65535 decodes with the default options.
  EXPECT_TRUE(decodeHep(hep3OfSize(65535), m, nullptr).has_value());
  EXPECT_EQ(m.payload.size(), 65535u - 99u);
  // A configured maximum: max passes, max + 1 is TooLarge.
  DecodeOptions o;
  o.max_packet_bytes = 1500;
  EXPECT_TRUE(decodeHep(hep3OfSize(1500), m, nullptr, o).has_value());
  auto r = decodeHep(hep3OfSize(1501), m, nullptr, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::TooLarge);
  // Max chunks: exactly max passes (see also TooManyChunks in the v3 tests).
  o = {};
  o.max_chunks = 11;
  EXPECT_TRUE(decodeHep(fromHex(testing::kExampleA), m, nullptr, o).has_value());
  o.max_chunks = 10;
  r = decodeHep(fromHex(testing::kExampleA), m, nullptr, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::TooManyChunks);
  // Chunk length 65535 in a 65535-byte packet cannot fit after the header.
  Bytes big = hep3OfSize(65535);
  const size_t payload_at = 93;
  big[payload_at + 4] = std::byte{0xff};
  big[payload_at + 5] = std::byte{0xff};
  r = decodeHep(big, m, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::BadChunkLength);
}

TEST(HepFraming, Hep3FrameLength) {
  Bytes a = fromHex(testing::kExampleA);
  for (size_t n = 0; n < 6; ++n) {
    auto r = hep3FrameLength(std::span(a).first(n));
    ASSERT_TRUE(r.has_value()) << n;
    EXPECT_EQ(*r, 0u) << n;
  }
  auto r = hep3FrameLength(a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 117u);
  // Two packets back to back: the first frame's length only.
  Bytes two = a;
  two.insert(two.end(), a.begin(), a.end());
  EXPECT_EQ(*hep3FrameLength(two), 117u);
  // Only "HEP3" on a stream: EEP1 and v1/v2 are refused, as is a total below 6.
  EXPECT_EQ(hep3FrameLength(fromHex("45 45 50 31 00 75")).error().code, HepErrc::BadMagic);
  EXPECT_EQ(hep3FrameLength(fromHex(testing::kExampleC)).error().code, HepErrc::BadMagic);
  EXPECT_EQ(hep3FrameLength(fromHex("48 45 58")).error().code, HepErrc::BadMagic);
  EXPECT_EQ(hep3FrameLength(fromHex("48 45 50 33 00 05")).error().code, HepErrc::BadTotalLength);
  EXPECT_EQ(*hep3FrameLength(fromHex("48 45 50 33 ff ff")), 65535u);
}

TEST(HepFraming, DecodeFramesFromAStream) {
  Bytes a = fromHex(testing::kExampleA);
  Bytes b = fromHex(testing::kExampleB);
  Bytes stream = a;
  stream.insert(stream.end(), b.begin(), b.end());
  std::span<const std::byte> rest(stream);
  std::vector<uint16_t> ports;
  DecodeOptions tcp;
  tcp.accept_v1_v2 = false;
  tcp.accept_eep1 = false;
  while (!rest.empty()) {
    auto len = hep3FrameLength(rest);
    ASSERT_TRUE(len.has_value());
    ASSERT_GT(*len, 0u);
    ASSERT_LE(*len, rest.size());
    core::CaptureMeta m;
    auto r = decodeHep(rest.first(*len), m, nullptr, tcp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->trailing_bytes, 0u);
    ports.push_back(m.src_port);
    rest = rest.subspan(*len);
  }
  EXPECT_EQ(ports, (std::vector<uint16_t>{5060, 5061}));
}

TEST(HepClassify, LooksLikeHep) {
  EXPECT_TRUE(looksLikeHep(fromHex(testing::kExampleA)));
  EXPECT_TRUE(looksLikeHep(fromHex("45 45 50 31")));
  EXPECT_TRUE(looksLikeHep(fromHex(testing::kExampleC)));
  EXPECT_TRUE(looksLikeHep(fromHex(testing::kExampleD)));
  EXPECT_FALSE(looksLikeHep(testing::bytesOf("INVITE sip:a@b SIP/2.0\r\n")));
  EXPECT_FALSE(looksLikeHep(fromHex("48 45 50")));
  EXPECT_FALSE(looksLikeHep(fromHex("01 14 02 11 00 00 00 00")));  // hp_l 20
  EXPECT_FALSE(looksLikeHep({}));
}

TEST(HepCapture, ViewsPointIntoTheRecordAfterMoves) {
  Bytes b = fromHex(testing::kExampleB);
  auto r = decodeHepCapture(b);
  ASSERT_TRUE(r.has_value());
  core::Capture c = std::move(*r);
  core::Capture moved = std::move(c);
  const std::byte* begin = moved.raw.data();
  const std::byte* end = begin + moved.raw.size();
  auto inside = [&](const void* p) {
    auto q = static_cast<const std::byte*>(p);
    return q >= begin && q < end;
  };
  EXPECT_TRUE(inside(moved.meta.payload.data()));
  EXPECT_TRUE(inside(moved.meta.auth_key.data()));
  EXPECT_TRUE(inside(moved.meta.correlation_id.data()));
  EXPECT_TRUE(inside(moved.meta.node_name.data()));
  ASSERT_EQ(moved.meta.other_chunks.size(), 1u);
  EXPECT_TRUE(inside(moved.meta.other_chunks[0].value.data()));
  EXPECT_EQ(text(moved.meta.payload), "BYE sip:a@[2001:db8::1] SIP/2.0\r\n\r\n");

  auto bad = decodeHepCapture(fromHex("48 45 50 33 00 05"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, HepErrc::BadTotalLength);
}

TEST(HepError, NamesAreSnakeCaseAndDistinct) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(HepErrc::Unencodable); ++i) {
    auto name = hepErrcName(static_cast<HepErrc>(i));
    EXPECT_NE(name, "unknown");
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(HepErrc::Unencodable) + 1);
  EXPECT_EQ(hepErrcName(HepErrc::BadChunkLength), "bad_chunk_length");
}

TEST(HepChunkCatalogue, CoversGenericTypesAndExtraCorrelation) {
  auto all = genericChunkCatalogue();
  EXPECT_EQ(all.size(), 0x2au + 1u);
  for (uint16_t t = 0; t <= 0x29; ++t) {
    const ChunkTypeInfo* info = genericChunkInfo(t);
    ASSERT_NE(info, nullptr) << t;
    EXPECT_EQ(info->type, t);
    EXPECT_FALSE(info->name.empty());
  }
  EXPECT_EQ(genericChunkInfo(0x65)->name, "extra_correlation");
  EXPECT_EQ(genericChunkInfo(0x2a), nullptr);
  EXPECT_EQ(genericChunkInfo(0xffff), nullptr);
  EXPECT_EQ(genericChunkInfo(wire(ChunkType::SrcIpv6))->required_size, 16);
  EXPECT_EQ(genericChunkInfo(wire(ChunkType::VlanId))->required_size, 2);
  EXPECT_EQ(genericChunkInfo(wire(ChunkType::SrcMac))->required_size, 0);
  EXPECT_EQ(genericChunkInfo(wire(ChunkType::NodeName))->value_type, ChunkValueType::OctetString);
}

}  // namespace
}  // namespace siphon::hep
