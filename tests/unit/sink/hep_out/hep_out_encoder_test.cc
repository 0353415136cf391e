// encodeForSend on a relay lane: the record goes out as edited, unknown and vendor chunks
// kept, its relay path extended by this collector's id (replacing the path it came with), and
// a v1 record goes out as HEPv3 so that the path rides along.

#include "sink/hep_out/hep_out_encoder.h"

#include <gtest/gtest.h>

#include "hep/hep_decoder.h"
#include "hep/siphon_chunks.h"
#include "support/records.h"

namespace siphon::sink {
namespace {

constexpr std::string_view kOptions =
    "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: enc-1\r\nContent-Length: 0\r\n\r\n";

core::CaptureMeta decoded(const std::vector<std::byte>& packet) {
  core::CaptureMeta m;
  auto r = hep::decodeHep(packet, m, nullptr);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().detail);
  return m;
}

TEST(HepOutEncoder, ARelayAppendsItsIdAndKeepsEveryOtherChunk) {
  support::CaptureSpec spec;
  spec.node = "agent-1";
  spec.chunks.push_back({0x0003, 0x0020, "opensips chunk"});
  spec.chunks.push_back({0, 0x0012, std::string("\x00\x64", 2)});  // vlan 100
  std::string path("\x00\x00\x00\x07", 4);
  spec.chunks.push_back({hep::kSiphonVendor, hep::kRelayPathChunk, path});
  auto c = support::makeCapture(kOptions, spec);
  HepOutEncoding relay;
  relay.relay_id = 0x0a0b0c0d;
  std::vector<std::byte> out;
  ASSERT_TRUE(encodeForSend(c, relay, out).has_value());
  auto m = decoded(out);
  EXPECT_EQ(hep::relayPath(m), (std::vector<uint32_t>{7, 0x0a0b0c0d}));
  EXPECT_EQ(m.capture_id, c.meta.capture_id) << "a relay keeps the agent's identity";
  EXPECT_EQ(m.node_name, "agent-1");
  ASSERT_EQ(m.other_chunks.size(), 3u);
  EXPECT_EQ(m.other_chunks[0].vendor, 0x0003);
  EXPECT_EQ(m.other_chunks[1].type, 0x0012);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.payload.data()), m.payload.size()),
            kOptions);
  // The record itself is unchanged: its path still has one hop.
  EXPECT_EQ(hep::relayPath(c.meta).size(), 1u);
}

TEST(HepOutEncoder, AV1RecordIsRelayedAsHep3WithItsPath) {
  support::CaptureSpec v1;
  v1.hep_version = 1;
  auto c = support::makeCapture(kOptions, v1);
  HepOutEncoding relay;
  relay.relay_id = 42;
  std::vector<std::byte> out;
  ASSERT_TRUE(encodeForSend(c, relay, out).has_value());
  auto m = decoded(out);
  EXPECT_EQ(m.hep_version, 3);
  EXPECT_EQ(hep::relayPath(m), (std::vector<uint32_t>{42}));
  EXPECT_EQ(m.src_ip, c.meta.src_ip);
  EXPECT_NE(m.ts_sec, 0u) << "v1 has no time: the relay stamps it";
}

TEST(HepOutEncoder, WithoutARelayIdNoPathIsAdded) {
  auto c = support::makeCapture(kOptions);
  std::vector<std::byte> out;
  ASSERT_TRUE(encodeForSend(c, HepOutEncoding{}, out).has_value());
  EXPECT_TRUE(hep::relayPath(decoded(out)).empty());
}

}  // namespace
}  // namespace siphon::sink
