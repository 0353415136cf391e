// hep_set / hep_get / hep_del on records (docs/HEP-AND-MODULES.md §3.5): ids by name and
// number, OpenSIPS's restrictions (family and timestamps not settable, generic ids vendor 0,
// IPv6 flips the family), text converted to the chunk's type, HEPv3 only, and the edited
// record re-encodes to a packet that decodes to the edited chunks.

#include "hep/chunk_edit.h"

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"

namespace siphon::hep {
namespace {

core::Capture capture3() {
  core::CaptureMeta m;
  m.hep_version = 3;
  m.ip_family = 2;
  m.ip_proto = 17;
  m.src_ip = *core::IpAddress::parse("10.0.0.1");
  m.dst_ip = *core::IpAddress::parse("10.0.0.2");
  m.src_port = 5060;
  m.dst_port = 5062;
  m.ts_sec = 1'700'000'000;
  m.ts_usec = 42;
  m.capture_id = 2001;
  m.has_auth_key = true;
  m.auth_key = "secret";
  m.payload = core::asBytes("OPTIONS sip:a@b SIP/2.0\r\n\r\n");
  core::Capture c;
  c.meta = m;
  return c;
}

ChunkId id(std::string_view text) {
  auto r = parseChunkId(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r.has_value() ? "" : r.error());
  return r.has_value() ? *r : ChunkId{};
}

TEST(ChunkId, NamesNumbersAndVendors) {
  EXPECT_EQ(id("0x000c"), (ChunkId{0, 12}));
  EXPECT_EQ(id("12"), (ChunkId{0, 12}));
  EXPECT_EQ(id("captagent_id"), (ChunkId{0, 12}));
  EXPECT_EQ(id("capture_id"), (ChunkId{0, 12}));
  EXPECT_EQ(id("capt"), (ChunkId{0, 12})) << "OpenSIPS prefix-matches the names";
  EXPECT_EQ(id("node"), (ChunkId{0, 0x13}));
  EXPECT_EQ(id("correlation_id"), (ChunkId{0, 0x11}));
  EXPECT_EQ(id("proto_type"), (ChunkId{0, 0x0b}));
  EXPECT_EQ(id("0x0003:0x0020"), (ChunkId{3, 0x20}));
  EXPECT_EQ(chunkIdText({3, 0x20}), "0x0003:0x0020");
  EXPECT_EQ(chunkIdText({0, 0x11}), "0x0011");
  for (const char* bad : {"", "0", "0x0000", "src_", "no_such_chunk", "0x10000", "3:0", "x:1"}) {
    EXPECT_FALSE(parseChunkId(bad).has_value()) << bad;
  }
}

TEST(ChunkEdit, SetsFixedChunksFromText) {
  auto c = capture3();
  ASSERT_TRUE(setChunk(c, id("captagent_id"), "2999").has_value());
  EXPECT_EQ(c.meta.capture_id, 2999u);
  ASSERT_TRUE(setChunk(c, id("proto_id"), "tcp").has_value());
  EXPECT_EQ(c.meta.ip_proto, 6);
  ASSERT_TRUE(setChunk(c, id("proto_id"), "WSS").has_value());
  EXPECT_EQ(c.meta.ip_proto, 50) << "any ws... is WebSocket, as OpenSIPS";
  ASSERT_TRUE(setChunk(c, id("proto_type"), "rtcp").has_value());
  EXPECT_EQ(c.meta.payload_type, 5);
  ASSERT_TRUE(setChunk(c, id("src_port"), "65535").has_value());
  EXPECT_EQ(c.meta.src_port, 65535);
  ASSERT_TRUE(setChunk(c, id("node"), "edge-1").has_value());
  EXPECT_EQ(c.meta.node_name, "edge-1");
  ASSERT_TRUE(setChunk(c, id("0x0011"), "corr-1").has_value());
  EXPECT_EQ(c.meta.correlation_id, "corr-1");
  EXPECT_EQ(setChunk(c, id("src_port"), "65536").error(), EditErrc::BadValue);
  EXPECT_EQ(setChunk(c, id("captagent_id"), "abc").error(), EditErrc::BadValue);
  EXPECT_EQ(setChunk(c, id("src_ip"), "not-an-ip").error(), EditErrc::BadValue);
}

TEST(ChunkEdit, FamilyFollowsTheAddressAndCannotBeSetItself) {
  auto c = capture3();
  ASSERT_TRUE(setChunk(c, id("src_ip"), "fd00::1").has_value());
  EXPECT_EQ(c.meta.ip_family, 10);
  EXPECT_TRUE(c.meta.src_ip.isV6());
  ASSERT_TRUE(setChunk(c, id("dst_ip"), "fd00::2").has_value());
  EXPECT_TRUE(checkSettable(id("proto_family")).has_value());
  EXPECT_TRUE(checkSettable(id("timestamp")).has_value());
  EXPECT_TRUE(checkSettable(id("timestamp_us")).has_value());
  EXPECT_FALSE(checkSettable(id("capture_id")).has_value());
  EXPECT_EQ(setChunk(c, id("proto_family"), "2").error(), EditErrc::NotSettable);
  EXPECT_TRUE(checkDeletable(id("payload")).has_value());
}

TEST(ChunkEdit, ListChunksGetTheirTypeAndGenericIdsStayVendorZero) {
  auto c = capture3();
  ASSERT_TRUE(setChunk(c, id("vlan_id"), "100").has_value());
  ASSERT_TRUE(setChunk(c, id("0x0003:0x0020"), "custom text").has_value());
  ASSERT_EQ(c.meta.other_chunks.size(), 2u);
  EXPECT_EQ(c.meta.other_chunks[0].vendor, 0);
  EXPECT_EQ(c.meta.other_chunks[0].value.size(), 2u) << "uint16 on the wire";
  EXPECT_EQ(chunkText(c.meta, id("vlan_id")), "100");
  EXPECT_EQ(chunkText(c.meta, id("0x0003:0x0020")), "custom text");
  ASSERT_TRUE(setChunk(c, id("vlan_id"), "200").has_value());
  EXPECT_EQ(c.meta.other_chunks.size(), 2u) << "same vendor and type: replaced";
  EXPECT_EQ(chunkText(c.meta, id("vlan_id")), "200");
  EXPECT_EQ(setChunk(c, id("vlan_id"), "70000").error(), EditErrc::BadValue);
  EXPECT_TRUE(valueConverts(id("vlan_id"), "7"));
  EXPECT_FALSE(valueConverts(id("vlan_id"), "x"));
}

TEST(ChunkEdit, GetFormatsAsOpenSipsDoes) {
  auto c = capture3();
  EXPECT_EQ(chunkText(c.meta, id("proto_family")), "AF_INET");
  EXPECT_EQ(chunkText(c.meta, id("proto_id")), "UDP");
  EXPECT_EQ(chunkText(c.meta, id("src_ip")), "10.0.0.1");
  EXPECT_EQ(chunkText(c.meta, id("0x0005")), "10.0.0.1") << "either family's id names the address";
  EXPECT_EQ(chunkText(c.meta, id("proto_type")), "SIP");
  EXPECT_EQ(chunkText(c.meta, id("timestamp")), "1700000000");
  EXPECT_EQ(chunkText(c.meta, id("auth_key")), "secret");
  EXPECT_FALSE(chunkText(c.meta, id("correlation_id")).has_value());
  EXPECT_FALSE(chunkText(c.meta, id("vlan_id")).has_value());
}

TEST(ChunkEdit, DeleteLeavesTheChunkOutOfTheReencodedPacket) {
  auto c = capture3();
  ASSERT_TRUE(deleteChunk(c, id("auth_key")).has_value());
  ASSERT_TRUE(deleteChunk(c, id("captagent_id")).has_value());
  EXPECT_EQ(deleteChunk(c, id("vlan_id")).error(), EditErrc::NotFound);
  EXPECT_FALSE(chunkText(c.meta, id("captagent_id")).has_value());
  std::vector<std::byte> out;
  ASSERT_TRUE(encodeHep(c.meta, out).has_value());
  core::CaptureMeta back;
  ASSERT_TRUE(decodeHep(out, back, nullptr).has_value());
  EXPECT_FALSE(back.has_auth_key);
  EXPECT_EQ(back.capture_id, 0u);
  // The capture id chunk is absent, not zero: the packet is 10 bytes (one uint32 chunk) shorter.
  auto full = capture3();
  full.meta.has_auth_key = false;
  std::vector<std::byte> with;
  ASSERT_TRUE(encodeHep(full.meta, with).has_value());
  EXPECT_EQ(with.size(), out.size() + 10);
  ASSERT_TRUE(setChunk(c, id("captagent_id"), "5").has_value());
  EXPECT_EQ(chunkText(c.meta, id("captagent_id")), "5") << "set again: present again";
}

TEST(ChunkEdit, OnlyHep3IsEdited) {
  auto c = capture3();
  c.meta.hep_version = 2;
  EXPECT_EQ(setChunk(c, id("captagent_id"), "1").error(), EditErrc::NotHep3);
  EXPECT_EQ(deleteChunk(c, id("captagent_id")).error(), EditErrc::NotHep3);
  EXPECT_EQ(chunkText(c.meta, id("captagent_id")), "2001") << "reading works on every version";
}

TEST(ChunkEdit, ValuesLiveInTheCaptureAcrossMoves) {
  auto c = capture3();
  ASSERT_TRUE(setChunk(c, id("node"), std::string(200, 'n')).has_value());
  ASSERT_TRUE(setChunk(c, id("correlation_id"), "short").has_value());
  core::Capture moved = std::move(c);
  EXPECT_EQ(moved.meta.node_name, std::string(200, 'n'));
  EXPECT_EQ(moved.meta.correlation_id, "short");
}

}  // namespace
}  // namespace siphon::hep
