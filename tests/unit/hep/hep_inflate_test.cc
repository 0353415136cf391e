// Chunk 0x0010: gzip, zlib and bare deflate payloads, the inflate limit, broken streams, and
// the encoder's compress option.

#include <gtest/gtest.h>
#include <zlib.h>

#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "hep/hep_inflate.h"
#include "support/hep_bytes.h"

namespace siphon::hep {
namespace {

using testing::Bytes;
using testing::fromHex;
using testing::text;

// window_bits: 15 zlib, 15+16 gzip, -15 bare deflate.
Bytes deflateWith(const Bytes& data, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&zs, data.size()) + 32);
  zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

// A SIP HEPv3 packet whose payload chunk is 0x0010 with `compressed` as value.
Bytes packetWithCompressed(const Bytes& compressed) {
  Bytes p = fromHex(
      "48455033 0000"
      "0000 0003 000a c0a8010a 0000 0004 000a c0a80114"
      "0000 0007 0008 13c4 0000 0008 0008 13d8");
  p.push_back(std::byte{0});
  p.push_back(std::byte{0});
  p.push_back(std::byte{0});
  p.push_back(std::byte{0x10});
  const size_t len = compressed.size() + 6;
  p.push_back(static_cast<std::byte>(len >> 8));
  p.push_back(static_cast<std::byte>(len & 0xff));
  p.insert(p.end(), compressed.begin(), compressed.end());
  p[4] = static_cast<std::byte>(p.size() >> 8);
  p[5] = static_cast<std::byte>(p.size() & 0xff);
  return p;
}

const Bytes& sipText() {
  static const Bytes b = testing::bytesOf(
      "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
      "Content-Length: 0\r\n\r\n");
  return b;
}

class HepCompressed : public ::testing::TestWithParam<int> {};

TEST_P(HepCompressed, InflatesEachStreamKind) {
  Bytes packet = packetWithCompressed(deflateWith(sipText(), GetParam()));
  core::CaptureMeta m;
  std::vector<std::byte> inflated;
  auto r = decodeHep(packet, m, &inflated);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_TRUE(m.payload_compressed);
  EXPECT_EQ(text(m.payload), text(sipText()));
  EXPECT_EQ(m.payload.data(), inflated.data());
}

INSTANTIATE_TEST_SUITE_P(GzipZlibDeflate, HepCompressed, ::testing::Values(15 + 16, 15, -15),
                         [](const auto& param_info) {
                           return param_info.param == 31 ? std::string("gzip")
                                  : param_info.param == 15 ? std::string("zlib")
                                                     : std::string("deflate");
                         });

TEST(HepCompressed, EncoderGzipRoundTrip) {
  core::CaptureMeta m;
  m.hep_version = 3;
  m.src_ip = testing::ip("192.0.2.1");
  m.dst_ip = testing::ip("192.0.2.2");
  m.src_port = 5060;
  m.dst_port = 5060;
  m.ip_family = 2;
  m.payload = sipText();
  EncodeOptions o;
  o.compress_payload = true;
  Bytes wire;
  ASSERT_TRUE(encodeHep(m, wire, o).has_value());
  // The payload chunk is the last one and carries gzip magic.
  const size_t at = 6 + 7 + 7 + 10 + 10 + 8 + 8 + 10 + 10 + 7 + 10;
  EXPECT_EQ(core::loadBe16(wire.data() + at + 2), 0x10);
  EXPECT_EQ(wire[at + 6], std::byte{0x1f});
  EXPECT_EQ(wire[at + 7], std::byte{0x8b});

  core::CaptureMeta back;
  std::vector<std::byte> inflated;
  ASSERT_TRUE(decodeHep(wire, back, &inflated).has_value());
  EXPECT_TRUE(back.payload_compressed);
  testing::expectSameFields(m, back, /*with_compressed_flag=*/false);
}

TEST(HepCompressed, PlainAfterCompressedWinsAndViceVersa) {
  Bytes gz = deflateWith(sipText(), 31);
  Bytes p = packetWithCompressed(gz);
  // Append a plain 0x000f "P" after the 0x0010: the last one wins.
  for (auto b : fromHex("0000 000f 0007 50")) p.push_back(b);
  p[4] = static_cast<std::byte>(p.size() >> 8);
  p[5] = static_cast<std::byte>(p.size() & 0xff);
  core::CaptureMeta m;
  std::vector<std::byte> inflated;
  ASSERT_TRUE(decodeHep(p, m, &inflated).has_value());
  EXPECT_EQ(text(m.payload), "P");
  EXPECT_FALSE(m.payload_compressed);
}

TEST(HepCompressed, ZipBombIsTooLarge) {
  const Bytes zeros(4 * 1024 * 1024, std::byte{0});
  Bytes bomb = deflateWith(zeros, 31);
  ASSERT_LT(bomb.size(), 65000u);
  Bytes packet = packetWithCompressed(bomb);
  core::CaptureMeta m;
  std::vector<std::byte> inflated;
  auto r = decodeHep(packet, m, &inflated);  // default limit 1 MiB
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::TooLarge);
  EXPECT_LE(inflated.capacity(), 1024u * 1024u + 1u);
}

TEST(HepCompressed, InflateLimitIsInclusive) {
  const Bytes data(1000, std::byte{'z'});
  Bytes gz = deflateWith(data, 31);
  std::vector<std::byte> out;
  EXPECT_TRUE(inflatePayload(gz, out, 1000).has_value());
  EXPECT_EQ(out.size(), 1000u);
  auto r = inflatePayload(gz, out, 999);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::TooLarge);
  EXPECT_TRUE(inflatePayload(deflateWith({}, 31), out, 0).has_value());
  EXPECT_TRUE(out.empty());
}

TEST(HepCompressed, BrokenStreams) {
  Bytes gz = deflateWith(sipText(), 31);
  std::vector<std::byte> out;
  // Truncated stream.
  Bytes cut(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(gz.size() / 2));
  auto r = inflatePayload(cut, out, 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::InflateFailed);
  // Garbage after a gzip header.
  Bytes junk = fromHex("1f8b 0800 0000 0000 00ff ffff ffff ffff");
  r = inflatePayload(junk, out, 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::InflateFailed);
  // Empty value.
  r = inflatePayload({}, out, 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::InflateFailed);
  // Through the decoder, and without an inflate buffer.
  core::CaptureMeta m;
  std::vector<std::byte> inflated;
  auto d = decodeHep(packetWithCompressed(cut), m, &inflated);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, HepErrc::InflateFailed);
  d = decodeHep(packetWithCompressed(gz), m, nullptr);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, HepErrc::InflateFailed);
}

TEST(HepCompressed, CaptureOwnsInflatedPayload) {
  auto c = decodeHepCapture(packetWithCompressed(deflateWith(sipText(), 31)));
  ASSERT_TRUE(c.has_value());
  core::Capture moved = std::move(*c);
  EXPECT_EQ(moved.meta.payload.data(), moved.inflated.data());
  EXPECT_EQ(text(moved.meta.payload), text(sipText()));
}

}  // namespace
}  // namespace siphon::hep
