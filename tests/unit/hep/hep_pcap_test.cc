// The 8 HEPv3 packets of hep-wireshark's hep.pcap (sipcapture tooling output), taken out of
// the capture by hand: classic pcap, Ethernet, IPv4, UDP. Checks real-world packets against
// the decoder and the encoder.

#include <gtest/gtest.h>

#include <map>

#include "core/byte_order.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "support/hep_bytes.h"

namespace siphon::hep {
namespace {

using testing::Bytes;

// UDP payloads of a little-endian classic pcap with Ethernet + IPv4 + UDP frames only.
std::vector<Bytes> udpPayloads(const Bytes& pcap) {
  std::vector<Bytes> out;
  core::ByteReader r(pcap);
  auto global = r.take(24);
  if (!global || core::loadLe32(global->data()) != 0xa1b2c3d4u) return out;
  while (!r.empty()) {
    auto record = r.take(16);
    if (!record) break;
    auto frame = r.take(core::loadLe32(record->data() + 8));
    if (!frame || frame->size() < 14 + 20 + 8) break;
    const size_t ihl = (std::to_integer<size_t>((*frame)[14]) & 0x0f) * 4;
    if (frame->size() < 14 + ihl + 8) break;
    auto udp = frame->subspan(14 + ihl);
    const size_t udp_len = core::loadBe16(udp.data() + 4);
    if (udp_len < 8 || udp_len > udp.size()) break;
    auto payload = udp.subspan(8, udp_len - 8);
    out.emplace_back(payload.begin(), payload.end());
  }
  return out;
}

TEST(HepPcap, HepWiresharkSample) {
  const Bytes pcap = testing::readTestData("pcap/hep-wireshark__hep.pcap");
  const std::vector<Bytes> packets = udpPayloads(pcap);
  ASSERT_EQ(packets.size(), 8u);
  std::map<int, int> by_type;
  for (const Bytes& p : packets) {
    core::CaptureMeta m;
    std::vector<std::byte> inflated;
    auto r = decodeHep(p, m, &inflated);
    ASSERT_TRUE(r.has_value()) << hepErrcName(r.error().code);
    EXPECT_EQ(r->trailing_bytes, 0u);
    EXPECT_EQ(m.hep_version, 3);
    EXPECT_TRUE(m.has_auth_key);
    EXPECT_EQ(m.auth_key, "myHep");
    EXPECT_EQ(m.capture_id, 2001u);
    EXPECT_FALSE(m.correlation_id.empty()) << "all carry 0x0011";
    EXPECT_FALSE(m.payload.empty());
    ++by_type[m.payload_type];

    // Re-encoding keeps every field (chunk order may differ from the sender's).
    std::vector<std::byte> wire;
    ASSERT_TRUE(encodeHep(m, wire).has_value());
    core::CaptureMeta again;
    ASSERT_TRUE(decodeHep(wire, again, nullptr).has_value());
    testing::expectSameFields(m, again);
  }
  EXPECT_EQ(by_type[1], 6);
  EXPECT_EQ(by_type[100], 1);
  EXPECT_EQ(by_type[5], 1);
}

}  // namespace
}  // namespace siphon::hep
