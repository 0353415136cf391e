// pcap export read back through the agent's own pcap reader and frame decoder: byte-exact
// payloads, addresses, ports, times, transports, checksums, TCP sequence numbers.

#include "query/pcap_export.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/byte_order.h"
#include "net/frame_decoder.h"
#include "query_fixture.h"
#include "source/pcap_file_source.h"

namespace siphon::query {
namespace {

using testing::Msg;
using testing::sipText;

struct ReadBack {
  uint32_t ts_sec, ts_usec;
  net::DecodedPacket pkt;
  std::string payload;
  std::vector<std::byte> frame;
};

std::vector<ReadBack> readBack(const std::vector<std::byte>& bytes) {
  testing::TempStore names;  // only for a unique temp path
  std::string path = names.path() + ".pcap";
  EXPECT_TRUE(writeFile(path, bytes).has_value());
  auto src = source::PcapFileSource::open(path);
  EXPECT_TRUE(src.has_value());
  std::vector<ReadBack> out;
  if (!src.has_value()) return out;
  EXPECT_EQ((*src)->linkType(), 1u);
  for (int guard = 0; guard < 1000; ++guard) {
    auto next = (*src)->next();
    EXPECT_TRUE(next.has_value());
    if (!next.has_value() || !next->has_value()) break;
    const auto& raw = **next;
    ReadBack r{raw.ts_sec, raw.tsUsec(), {}, {}, {raw.bytes.begin(), raw.bytes.end()}};
    out.push_back(std::move(r));
    auto& back = out.back();
    auto d = net::decodeFrame(raw.link_type, back.frame);
    EXPECT_TRUE(d.has_value());
    if (!d.has_value()) continue;
    back.pkt = *d;
    back.payload = std::string(core::asText(d->payload));
  }
  std::filesystem::remove(path);
  return out;
}

// The transport checksum over the pseudo-header verifies to 0 (RFC 1071 §1).
uint16_t verifyTransportChecksum(const net::DecodedPacket& p) {
  std::vector<std::byte> pseudo;
  auto push = [&](std::span<const std::byte> b) { pseudo.insert(pseudo.end(), b.begin(), b.end()); };
  uint32_t len = static_cast<uint32_t>(p.l4.size());
  push(p.src.bytes());
  push(p.dst.bytes());
  if (p.ip_version == 4) {
    pseudo.push_back(std::byte{0});
    pseudo.push_back(std::byte{p.ip_proto});
    pseudo.push_back(static_cast<std::byte>(len >> 8));
    pseudo.push_back(static_cast<std::byte>(len));
  } else {
    for (int s : {24, 16, 8, 0}) pseudo.push_back(static_cast<std::byte>(len >> s));
    for (int i = 0; i < 3; ++i) pseudo.push_back(std::byte{0});
    pseudo.push_back(std::byte{p.ip_proto});
  }
  pseudo.insert(pseudo.end(), p.l4.begin(), p.l4.end());
  return internetChecksum(pseudo);
}

core::Capture capture(const std::string& payload, const std::string& src, const std::string& dst,
                      uint16_t sport, uint16_t dport, uint8_t proto, int64_t ts) {
  Msg m;
  m.payload = payload;
  m.src = src;
  m.dst = dst;
  m.sport = sport;
  m.dport = dport;
  m.ip_proto = proto;
  m.ts_us = ts;
  return testing::toCapture(m);
}

TEST(PcapExport, UdpIpv4AndIpv6ByteExactWithChecksums) {
  std::string invite = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE", "", "v=0\r\n");
  std::string ok = sipText("200 OK", "a@x", "z9hG4bK1", "1 INVITE");
  auto c1 = capture(invite, "10.0.0.1", "10.0.0.2", 5060, 5080, 17, 1'700'000'000'123'456);
  auto c2 = capture(ok, "2001:db8::2", "2001:db8::1", 5080, 5060, 17, 1'700'000'001'000'001);
  PcapBuilder b;
  b.add(c1.meta);
  b.add(c2.meta);
  EXPECT_EQ(b.stats().frames, 2u);
  auto frames = readBack(b.bytes());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].payload, invite);
  EXPECT_EQ(frames[0].ts_sec, 1'700'000'000u);
  EXPECT_EQ(frames[0].ts_usec, 123'456u);
  EXPECT_EQ(frames[0].pkt.ip_version, 4);
  EXPECT_EQ(frames[0].pkt.ip_proto, 17);
  EXPECT_EQ(frames[0].pkt.src.toString(), "10.0.0.1");
  EXPECT_EQ(frames[0].pkt.dst_port, 5080);
  EXPECT_EQ(internetChecksum(frames[0].pkt.ip_packet.first(20)), 0);  // IPv4 header checksum
  EXPECT_EQ(verifyTransportChecksum(frames[0].pkt), 0);
  EXPECT_EQ(frames[1].payload, ok);
  EXPECT_EQ(frames[1].pkt.ip_version, 6);
  EXPECT_EQ(frames[1].pkt.dst.toString(), "2001:db8::1");
  EXPECT_EQ(verifyTransportChecksum(frames[1].pkt), 0);
}

TEST(PcapExport, TcpAndTlsGetSequenceNumbersPerDirection) {
  std::string m1 = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE");
  std::string m2 = sipText("100 Trying", "a@x", "z9hG4bK1", "1 INVITE");
  std::string m3 = sipText("ACK", "a@x", "z9hG4bK2", "1 ACK");
  auto c1 = capture(m1, "10.0.0.1", "10.0.0.2", 40000, 5060, 6, 1'700'000'000'000'000);
  auto c2 = capture(m2, "10.0.0.2", "10.0.0.1", 5060, 40000, 6, 1'700'000'000'000'100);
  auto c3 = capture(m3, "10.0.0.1", "10.0.0.2", 40000, 5060, 22, 1'700'000'000'000'200);  // TLS
  PcapBuilder b;
  for (auto* c : {&c1, &c2, &c3}) b.add(c->meta);
  auto f = readBack(b.bytes());
  ASSERT_EQ(f.size(), 3u);
  for (const auto& r : f) {
    EXPECT_EQ(r.pkt.ip_proto, 6);
    EXPECT_EQ(verifyTransportChecksum(r.pkt), 0);
    EXPECT_EQ(r.pkt.tcp.flags, 0x18);
  }
  EXPECT_EQ(f[0].payload, m1);
  EXPECT_EQ(f[2].payload, m3);
  EXPECT_EQ(f[2].pkt.tcp.seq, f[0].pkt.tcp.seq + m1.size());  // continues the direction
  EXPECT_EQ(f[1].pkt.tcp.ack, f[0].pkt.tcp.seq + m1.size());  // acknowledges what came
  EXPECT_EQ(f[2].pkt.tcp.ack, f[1].pkt.tcp.seq + m2.size());
}

TEST(PcapExport, UdpMessageTooLargeForADatagramBecomesTcpSegments) {
  std::string body(70'000, 'x');
  std::string big = sipText("MESSAGE", "a@x", "z9hG4bK1", "1 MESSAGE", "", body);
  auto c = capture(big, "10.0.0.1", "10.0.0.2", 5060, 5060, 17, 1'700'000'000'000'000);
  PcapBuilder b;
  b.add(c.meta);
  EXPECT_EQ(b.stats().udp_as_tcp, 1u);
  EXPECT_EQ(b.stats().frames, 2u);
  auto f = readBack(b.bytes());
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].payload.size(), 65'495u);
  EXPECT_EQ(f[0].payload + f[1].payload, big);
  EXPECT_EQ(f[1].pkt.tcp.seq, f[0].pkt.tcp.seq + 65'495u);
}

TEST(PcapExport, FileHeaderAndWriteErrors) {
  std::vector<std::byte> h;
  appendPcapFileHeader(h);
  ASSERT_EQ(h.size(), 24u);
  EXPECT_EQ(core::loadLe32(h.data()), 0xa1b2c3d4u);
  EXPECT_EQ(core::loadLe32(h.data() + 20), 1u);
  auto w = writeFile("/nonexistent-dir/x.pcap", h);
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message.find("/nonexistent-dir/x.pcap"), std::string::npos);
}

}  // namespace
}  // namespace siphon::query
