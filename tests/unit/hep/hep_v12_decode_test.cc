// HEPv1/v2 decoding: worked examples C and D, the fenollp HEPv1 capture, negative ideas 9-10.

#include <gtest/gtest.h>

#include "hep/hep_decoder.h"
#include "support/hep_bytes.h"
#include "support/hep_vectors.h"

namespace siphon::hep {
namespace {

using testing::Bytes;
using testing::fromHex;
using testing::ip;
using testing::text;

HepErrc errorOf(const Bytes& b) {
  core::CaptureMeta m;
  auto r = decodeHep(b, m, nullptr);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? HepErrc::Unencodable : r.error().code;
}

TEST(HepV12Decode, ExampleC) {
  Bytes c = fromHex(testing::kExampleC);
  ASSERT_EQ(c.size(), 53u);
  core::CaptureMeta m;
  auto r = decodeHep(c, m, nullptr);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(r->packet_bytes, 53u);
  EXPECT_EQ(m.hep_version, 2);
  EXPECT_EQ(m.ip_family, 2);
  EXPECT_EQ(m.ip_proto, 17);
  EXPECT_EQ(m.src_ip, ip("10.0.0.1"));
  EXPECT_EQ(m.dst_ip, ip("10.0.0.2"));
  EXPECT_EQ(m.src_port, 5060);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.ts_sec, 1700000000u);
  EXPECT_EQ(m.ts_usec, 500000u);
  EXPECT_EQ(m.capture_id, 42u);
  EXPECT_EQ(m.payload_type, 1);
  EXPECT_EQ(m.payload.data(), c.data() + 28);
  EXPECT_EQ(text(m.payload), "OPTIONS sip:x SIP/2.0\r\n\r\n");
}

TEST(HepV12Decode, ExampleD) {
  Bytes d = fromHex(testing::kExampleD);
  ASSERT_EQ(d.size(), 38u);
  core::CaptureMeta m;
  auto r = decodeHep(d, m, nullptr);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(m.hep_version, 1);
  EXPECT_EQ(m.ip_proto, 6);
  EXPECT_EQ(m.src_ip, ip("172.16.0.5"));
  EXPECT_EQ(m.dst_ip, ip("172.16.0.6"));
  EXPECT_EQ(m.src_port, 5070);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.ts_sec, 0u);  // v1 has no time: the collector uses arrival time
  EXPECT_EQ(m.capture_id, 0u);
  EXPECT_EQ(m.payload_type, 1);
  EXPECT_EQ(text(m.payload), "INFO sip:y SIP/2.0\r\n\r\n");
  EXPECT_EQ(m.transport(), core::Transport::Tcp);
}

TEST(HepV12Decode, FenollpRealHepV1) {
  Bytes f = testing::readTestData("hep/fenollp_hep1_real_sip_200ok.bin");
  ASSERT_EQ(f.size(), 710u);
  core::CaptureMeta m;
  ASSERT_TRUE(decodeHep(f, m, nullptr).has_value());
  EXPECT_EQ(m.hep_version, 1);
  EXPECT_EQ(m.ip_family, 2);
  EXPECT_EQ(m.ip_proto, 17);
  EXPECT_EQ(m.src_ip, ip("10.26.0.182"));
  EXPECT_EQ(m.dst_ip, ip("10.26.0.182"));
  EXPECT_EQ(m.src_port, 11000);
  EXPECT_EQ(m.dst_port, 5060);
  EXPECT_EQ(m.payload.size(), 694u);
  EXPECT_EQ(text(m.payload).substr(0, 16), "SIP/2.0 200 OK\r\n");
  EXPECT_EQ(text(m.payload).substr(694 - 21), "Content-Length: 0\r\n\r\n");
}

TEST(HepV12Decode, Negative9HeaderLength20) {
  Bytes c = fromHex(testing::kExampleC);
  c[1] = std::byte{0x14};
  EXPECT_EQ(errorOf(c), HepErrc::BadHeaderLength);
  c[1] = std::byte{40};  // IPv6 length with an IPv4 family
  EXPECT_EQ(errorOf(c), HepErrc::BadHeaderLength);
}

TEST(HepV12Decode, Negative10V2ShorterThan28) {
  Bytes c = fromHex(testing::kExampleC);
  for (size_t n = 1; n <= 28; ++n) {
    Bytes p(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n));
    HepErrc e = errorOf(p);
    EXPECT_TRUE(e == HepErrc::Truncated || e == HepErrc::NoPayload) << n << " " << hepErrcName(e);
  }
}

TEST(HepV12Decode, Families) {
  // IPv6 v2 packet: [2001:db8::1]:5060 -> [2001:db8::2]:5062.
  Bytes v6 = fromHex(
      "02 28 0a 11 13 c4 13 c6"
      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
      "01 00 00 00 02 00 00 00 07 00 ff ff 41");
  for (uint8_t family : {10, 24, 28, 30}) {
    v6[2] = std::byte{family};
    core::CaptureMeta m;
    auto r = decodeHep(v6, m, nullptr);
    ASSERT_TRUE(r.has_value()) << int{family};
    EXPECT_EQ(m.ip_family, family);
    EXPECT_EQ(m.src_ip, ip("2001:db8::1"));
    EXPECT_EQ(m.dst_ip, ip("2001:db8::2"));
    EXPECT_EQ(m.dst_port, 5062);
    EXPECT_EQ(m.ts_sec, 1u);
    EXPECT_EQ(m.ts_usec, 2u);
    EXPECT_EQ(m.capture_id, 7u);  // padding bytes ff ff ignored
    EXPECT_EQ(text(m.payload), "A");
  }
  for (uint8_t family : {0, 1, 3, 6, 11, 23, 255}) {
    v6[2] = std::byte{family};
    EXPECT_EQ(errorOf(v6), HepErrc::BadFamily) << int{family};
  }
}

TEST(HepV12Decode, TrailingZeroPaddingStaysInPayload) {
  // OpenSIPS counts the address block twice and pads with zeros (§1.2 quirk): payload is kept
  // byte-exact, padding included.
  Bytes c = fromHex(testing::kExampleC);
  for (int i = 0; i < 8; ++i) c.push_back(std::byte{0});
  core::CaptureMeta m;
  ASSERT_TRUE(decodeHep(c, m, nullptr).has_value());
  EXPECT_EQ(m.payload.size(), 25u + 8u);
  EXPECT_EQ(m.payload.back(), std::byte{0});
}

TEST(HepV12Decode, TooLarge) {
  Bytes d = fromHex(testing::kExampleD);
  DecodeOptions o;
  o.max_packet_bytes = d.size();
  core::CaptureMeta m;
  EXPECT_TRUE(decodeHep(d, m, nullptr, o).has_value());
  o.max_packet_bytes = d.size() - 1;
  auto r = decodeHep(d, m, nullptr, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, HepErrc::TooLarge);
}

}  // namespace
}  // namespace siphon::hep
