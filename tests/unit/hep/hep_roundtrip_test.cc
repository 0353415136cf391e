// Encoder and round trips: decode(encode(x)) == x for v1/v2/v3 x IPv4/IPv6, and
// encode(decode(bytes)) == bytes for vectors in Kamailio chunk order.

#include <gtest/gtest.h>

#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "support/hep_bytes.h"
#include "support/hep_vectors.h"

namespace siphon::hep {
namespace {

using testing::Bytes;
using testing::fromHex;
using testing::ip;
using testing::text;

// A record as an agent would build it; views point into static text.
core::CaptureMeta sampleRecord(bool v6) {
  core::CaptureMeta m;
  m.ip_family = v6 ? 10 : 2;
  m.ip_proto = 17;
  m.src_ip = ip(v6 ? "2001:db8::10" : "192.0.2.10");
  m.dst_ip = ip(v6 ? "2001:db8::20" : "192.0.2.20");
  m.src_port = 5060;
  m.dst_port = 5061;
  m.ts_sec = 1700000123;
  m.ts_usec = 654321;
  m.capture_id = 4242;
  m.payload_type = 1;
  m.payload = core::asBytes("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n");
  return m;
}

Bytes encode(const core::CaptureMeta& m, const EncodeOptions& o) {
  Bytes out;
  auto r = encodeHep(m, out, o);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : hepErrcName(r.error().code));
  if (r.has_value()) {
    EXPECT_EQ(*r, out.size());
  }
  return out;
}

struct RoundTripCase {
  uint8_t version;
  bool v6;
};

class HepRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(HepRoundTrip, DecodeOfEncodeIsIdentity) {
  const auto [version, v6] = GetParam();
  core::CaptureMeta in = sampleRecord(v6);
  in.hep_version = version;
  if (version == 1) {  // v1 carries no time and no capture id
    in.ts_sec = in.ts_usec = 0;
    in.capture_id = 0;
  }
  if (version == 3) {
    in.has_auth_key = true;
    in.auth_key = "pw";
    in.correlation_id = "call-1@host";
    in.node_name = "edge-1";
    in.keepalive = 15;
    static const Bytes vendor_value = fromHex("0102");
    static const Bytes vlan = fromHex("0064");
    in.other_chunks.push_back({3, 0x22, vendor_value});
    in.other_chunks.push_back({0, 0x12, vlan});
  }
  EncodeOptions o;
  o.version = version;
  Bytes wire = encode(in, o);
  core::CaptureMeta out;
  std::vector<std::byte> inflated;
  auto r = decodeHep(wire, out, &inflated);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EXPECT_EQ(r->packet_bytes, wire.size());
  testing::expectSameFields(in, out);
}

INSTANTIATE_TEST_SUITE_P(AllVersionsAndFamilies, HepRoundTrip,
                         ::testing::Values(RoundTripCase{1, false}, RoundTripCase{1, true},
                                           RoundTripCase{2, false}, RoundTripCase{2, true},
                                           RoundTripCase{3, false}, RoundTripCase{3, true}),
                         [](const auto& param_info) {
                           return "v" + std::to_string(param_info.param.version) +
                                  (param_info.param.v6 ? "_ipv6" : "_ipv4");
                         });

// Bytes -> decode -> encode gives the same bytes when the sender used Kamailio's order.
void expectByteExact(const Bytes& wire) {
  core::CaptureMeta m;
  auto r = decodeHep(wire, m, nullptr);
  ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
  EncodeOptions o;
  o.version = m.hep_version;
  Bytes again = encode(m, o);
  EXPECT_EQ(again, wire);
}

TEST(HepEncodeByteExact, ExampleA) { expectByteExact(fromHex(testing::kExampleA)); }
TEST(HepEncodeByteExact, ExampleC) { expectByteExact(fromHex(testing::kExampleC)); }
TEST(HepEncodeByteExact, ExampleD) { expectByteExact(fromHex(testing::kExampleD)); }
TEST(HepEncodeByteExact, SpecExample) {
  expectByteExact(testing::readTestData("hep/hep3_spec_example.bin"));
}
TEST(HepEncodeByteExact, Heplify200OkWithEmptyAuthKey) {
  expectByteExact(testing::readTestData("hep/heplify_hep3_sip_200ok.bin"));
}
TEST(HepEncodeByteExact, FenollpHepV1) {
  expectByteExact(testing::readTestData("hep/fenollp_hep1_real_sip_200ok.bin"));
}

// Example B is not in Kamailio order (vendor chunk before node name): compare fields.
TEST(HepEncodeFields, ExampleB) {
  Bytes b = fromHex(testing::kExampleB);
  core::CaptureMeta first;
  ASSERT_TRUE(decodeHep(b, first, nullptr).has_value());
  Bytes again = encode(first, {});
  EXPECT_EQ(again.size(), b.size());
  EXPECT_NE(again, b);
  core::CaptureMeta second;
  ASSERT_TRUE(decodeHep(again, second, nullptr).has_value());
  testing::expectSameFields(first, second);
}

TEST(HepEncode, KamailioChunkOrder) {
  core::CaptureMeta m = sampleRecord(false);
  m.correlation_id = "c";
  m.has_auth_key = true;
  m.auth_key = "k";
  m.node_name = "n";
  m.keepalive = 9;
  static const Bytes v = fromHex("aa");
  m.other_chunks.push_back({5, 1, v});
  Bytes wire = encode(m, {});
  // Walk the chunk headers and list the types.
  std::vector<uint16_t> types;
  for (size_t at = 6; at + 6 <= wire.size();) {
    types.push_back(core::loadBe16(wire.data() + at + 2));
    at += core::loadBe16(wire.data() + at + 4);
  }
  EXPECT_EQ(types, (std::vector<uint16_t>{0x01, 0x02, 0x03, 0x04, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                          0x0c, 0x11, 0x0e, 0x13, 0x0d, 0x01, 0x0f}));
  EXPECT_EQ(core::loadBe16(wire.data() + 4), wire.size());
}

TEST(HepEncode, KamailioSizes) {
  // §1.11: 99 + payload for IPv4, 123 + payload for IPv6 without optional chunks.
  core::CaptureMeta m4 = sampleRecord(false);
  EXPECT_EQ(encode(m4, {}).size(), 99 + m4.payload.size());
  core::CaptureMeta m6 = sampleRecord(true);
  EXPECT_EQ(encode(m6, {}).size(), 123 + m6.payload.size());
}

TEST(HepEncode, AppendsAndLeavesOutUntouchedOnError) {
  core::CaptureMeta m = sampleRecord(false);
  Bytes out = fromHex("ffff");
  auto r = encodeHep(m, out);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(out.size(), 2 + *r);
  EXPECT_EQ(out[0], std::byte{0xff});

  static const Bytes big(70000, std::byte{'a'});
  m.payload = big;
  const Bytes before = out;
  auto e = encodeHep(m, out);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, HepErrc::Unencodable);
  EXPECT_EQ(out, before);
}

TEST(HepEncode, TotalLengthLimit) {
  core::CaptureMeta m = sampleRecord(false);
  // 99 + payload == 65535 exactly fits; one more byte does not.
  static const Bytes fits(65535 - 99, std::byte{'a'});
  m.payload = fits;
  Bytes out;
  auto ok = encodeHep(m, out);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 65535u);
  core::CaptureMeta back;
  ASSERT_TRUE(decodeHep(out, back, nullptr).has_value());
  EXPECT_EQ(back.payload.size(), fits.size());

  static const Bytes over(65535 - 99 + 1, std::byte{'a'});
  m.payload = over;
  Bytes out2;
  auto e = encodeHep(m, out2);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, HepErrc::Unencodable);
  EXPECT_TRUE(out2.empty());
}

TEST(HepEncode, V12Unencodable) {
  EncodeOptions v2;
  v2.version = 2;
  Bytes out;
  core::CaptureMeta m = sampleRecord(false);
  m.dst_ip = ip("2001:db8::1");  // mixed families
  EXPECT_FALSE(encodeHep(m, out, v2).has_value());
  m = sampleRecord(false);
  m.src_ip = core::IpAddress{};
  EXPECT_FALSE(encodeHep(m, out, v2).has_value());
  m = sampleRecord(false);
  m.payload_type = 100;  // v1/v2 mean SIP
  EXPECT_FALSE(encodeHep(m, out, v2).has_value());
  m = sampleRecord(false);
  m.payload = {};
  EXPECT_FALSE(encodeHep(m, out, v2).has_value());
  EncodeOptions v4;
  v4.version = 4;
  EXPECT_FALSE(encodeHep(sampleRecord(false), out, v4).has_value());
  EXPECT_TRUE(out.empty());
}

TEST(HepEncode, OtherChunkThatHasAFieldIsRefused) {
  core::CaptureMeta m = sampleRecord(false);
  static const Bytes v = fromHex("41");
  m.other_chunks.push_back({0, 0x0f, v});
  Bytes out;
  auto e = encodeHep(m, out);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, HepErrc::Unencodable);
}

TEST(HepEncode, V2CaptureIdIsSixteenBit) {
  core::CaptureMeta m = sampleRecord(false);
  m.capture_id = 0x12345;
  EncodeOptions v2;
  v2.version = 2;
  Bytes wire = encode(m, v2);
  core::CaptureMeta back;
  ASSERT_TRUE(decodeHep(wire, back, nullptr).has_value());
  EXPECT_EQ(back.capture_id, 0x2345u);
}

TEST(HepEncode, V12KeepsBsdIpv6Family) {
  core::CaptureMeta m = sampleRecord(true);
  m.ip_family = 28;
  EncodeOptions v1;
  v1.version = 1;
  Bytes wire = encode(m, v1);
  EXPECT_EQ(wire[2], std::byte{28});
  m.ip_family = 2;  // disagrees with the addresses: the address version decides
  wire = encode(m, v1);
  EXPECT_EQ(wire[2], std::byte{10});
}

}  // namespace
}  // namespace siphon::hep
