#include "source/pcap_file_source.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "net/link_type.h"

namespace siphon::source {
namespace {

std::string dataFile(const std::string& name) {
  return std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name;
}

size_t countPackets(PacketSource& src) {
  size_t n = 0;
  while (true) {
    auto next = src.next();
    EXPECT_TRUE(next.has_value());
    if (!next || !next->has_value()) {
      return n;
    }
    ++n;
  }
}

void writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

/// A little-endian pcap header with `magic`, link type Ethernet, then one 4-byte record.
std::vector<uint8_t> tinyPcap(uint32_t magic, uint32_t ts_sec, uint32_t ts_frac) {
  std::vector<uint8_t> b;
  auto u32 = [&b](uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  auto u16 = [&b](uint16_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
  };
  u32(magic);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(65535);
  u32(1);  // LINKTYPE_ETHERNET
  u32(ts_sec);
  u32(ts_frac);
  u32(4);
  u32(60);
  for (uint8_t c : {0xDE, 0xAD, 0xBE, 0xEF}) b.push_back(c);
  return b;
}

TEST(PcapFileSource, ReadsPcapWithTimestampsAndLinkType) {
  auto src = PcapFileSource::open(dataFile("heplify__sip_ipv6_udp.pcap"));
  ASSERT_TRUE(src.has_value()) << src.error().message;
  EXPECT_EQ((*src)->format(), CaptureFileFormat::Pcap);
  EXPECT_EQ((*src)->linkType(), static_cast<uint32_t>(net::LinkType::Ethernet));
  auto first = (*src)->next();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->has_value());
  const RawPacket& p = **first;
  EXPECT_GT(p.ts_sec, 1'000'000'000u);
  EXPECT_LT(p.tsUsec(), 1'000'000u);
  EXPECT_EQ(p.ts_nsec % 1000, 0u);  // a µs file: nanoseconds are whole microseconds
  EXPECT_FALSE(p.bytes.empty());
  EXPECT_EQ(p.link_type, static_cast<uint32_t>(net::LinkType::Ethernet));
  EXPECT_EQ(countPackets(**src) + 1, 6u);
  EXPECT_EQ((*src)->packetCount(), 6u);
}

TEST(PcapFileSource, ReadsPcapNg) {
  auto src = PcapFileSource::open(dataFile("ndpi__sip_hello.pcapng"));
  ASSERT_TRUE(src.has_value()) << src.error().message;
  EXPECT_EQ((*src)->format(), CaptureFileFormat::PcapNg);
  EXPECT_EQ(countPackets(**src), 30u);
}

TEST(PcapFileSource, DetectsFormatByMagicNotExtension) {
  auto cap = PcapFileSource::open(dataFile("sipnab__SIP_DTMF2.cap"));
  ASSERT_TRUE(cap.has_value()) << cap.error().message;
  EXPECT_EQ((*cap)->format(), CaptureFileFormat::Pcap);
  EXPECT_EQ(countPackets(**cap), 1360u);
}

// `siphon agent --pcap F --filter BPF`: the frames a live capture with that filter would keep.
TEST(PcapFileSource, AppliesABpfFilterToFileFrames) {
  // sngrep__aaa.pcap: 691 frames; 18 of them (SIP) are to or from 200.68.120.81 (tshark -Y
  // ip.addr==200.68.120.81).
  auto all = PcapFileSource::open(dataFile("sngrep__aaa.pcap"));
  ASSERT_TRUE(all.has_value()) << all.error().message;
  const size_t n_all = countPackets(**all);
  auto some = PcapFileSource::open(dataFile("sngrep__aaa.pcap"), "host 200.68.120.81");
  ASSERT_TRUE(some.has_value()) << some.error().message;
  const size_t n_some = countPackets(**some);
  EXPECT_EQ(n_some, 18u);
  EXPECT_EQ(n_all, 691u);
  auto none = PcapFileSource::open(dataFile("sngrep__aaa.pcap"), "host 203.0.113.1");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(countPackets(**none), 0u);

  const std::string path = dataFile("sngrep__aaa.pcap");
  auto bad = PcapFileSource::open(path, "port banana(");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().message.starts_with(path + ": bad filter 'port banana(': "))
      << bad.error().message;
  EXPECT_EQ(bad.error().exit_code, 2);
}

TEST(PcapFileSource, RejectsFileThatIsNotACaptureWithClearMessage) {
  const std::string path = dataFile("not-a-capture.pcap");
  auto src = PcapFileSource::open(path);
  ASSERT_FALSE(src.has_value());
  EXPECT_EQ(src.error().message, path + ": not a pcap or pcapng file (bad magic)");
  EXPECT_EQ(src.error().exit_code, 1);
}

TEST(PcapFileSource, RejectsEmptyFile) {
  const std::string path = ::testing::TempDir() + "/siphon_empty.pcap";
  writeFile(path, {});
  auto src = PcapFileSource::open(path);
  ASSERT_FALSE(src.has_value());
  EXPECT_NE(src.error().message.find("bad magic"), std::string::npos);
  std::remove(path.c_str());
}

TEST(PcapFileSource, ReportsMissingFileByName) {
  const std::string path = dataFile("no-such-file.pcap");
  auto src = PcapFileSource::open(path);
  ASSERT_FALSE(src.has_value());
  EXPECT_EQ(src.error().message.rfind(path + ": cannot open", 0), 0u) << src.error().message;
}

TEST(PcapFileSource, KeepsNanosecondResolution) {
  const std::string path = ::testing::TempDir() + "/siphon_ns.pcap";
  writeFile(path, tinyPcap(0xA1B23C4D, 1700000000, 123456789));
  auto src = PcapFileSource::open(path);
  ASSERT_TRUE(src.has_value()) << src.error().message;
  auto p = (*src)->next();
  ASSERT_TRUE(p.has_value() && p->has_value());
  EXPECT_EQ((*p)->ts_sec, 1700000000u);
  EXPECT_EQ((*p)->ts_nsec, 123456789u);
  EXPECT_EQ((*p)->tsUsec(), 123456u);
  EXPECT_EQ((*p)->bytes.size(), 4u);
  EXPECT_EQ((*p)->wire_length, 60u);
  EXPECT_TRUE((*p)->cutBySnaplen());
  std::remove(path.c_str());
}

TEST(PcapFileSource, ScalesMicrosecondFilesToNanoseconds) {
  const std::string path = ::testing::TempDir() + "/siphon_us.pcap";
  writeFile(path, tinyPcap(0xA1B2C3D4, 1700000000, 654321));
  auto src = PcapFileSource::open(path);
  ASSERT_TRUE(src.has_value()) << src.error().message;
  auto p = (*src)->next();
  ASSERT_TRUE(p.has_value() && p->has_value());
  EXPECT_EQ((*p)->ts_nsec, 654321000u);
  EXPECT_EQ((*p)->tsUsec(), 654321u);
  std::remove(path.c_str());
}

TEST(PcapFileSource, ReportsFileCutInsideARecord) {
  const std::string path = ::testing::TempDir() + "/siphon_cut.pcap";
  auto bytes = tinyPcap(0xA1B2C3D4, 1, 2);
  bytes.resize(bytes.size() - 2);
  writeFile(path, bytes);
  auto src = PcapFileSource::open(path);
  ASSERT_TRUE(src.has_value()) << src.error().message;
  auto p = (*src)->next();
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message.rfind(path + ": ", 0), 0u) << p.error().message;
  std::remove(path.c_str());
}

TEST(CaptureFileFormat, ClassifiesMagicNumbers) {
  auto fmt = [](std::vector<uint8_t> b) {
    std::vector<std::byte> v;
    for (uint8_t x : b) v.push_back(std::byte{x});
    return captureFileFormat(v);
  };
  EXPECT_EQ(fmt({0xD4, 0xC3, 0xB2, 0xA1}), CaptureFileFormat::Pcap);
  EXPECT_EQ(fmt({0xA1, 0xB2, 0xC3, 0xD4}), CaptureFileFormat::Pcap);
  EXPECT_EQ(fmt({0x4D, 0x3C, 0xB2, 0xA1}), CaptureFileFormat::Pcap);
  EXPECT_EQ(fmt({0x0A, 0x0D, 0x0D, 0x0A}), CaptureFileFormat::PcapNg);
  EXPECT_EQ(fmt({0x47, 0x4D, 0x42, 0x55}), CaptureFileFormat::NotCapture);  // NetMon "GMBU"
  EXPECT_EQ(fmt({0xD4, 0xC3, 0xB2}), CaptureFileFormat::NotCapture);
}

}  // namespace
}  // namespace siphon::source
