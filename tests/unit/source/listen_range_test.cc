#include "source/listen_range.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <vector>

namespace siphon::source {
namespace {

TEST(ListenRange, EmptyValueIsUnset) {
  auto r = parseListenRange("");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->address.empty());
  EXPECT_FALSE(r->hasPorts());
  EXPECT_TRUE(r->matches(1, 2));
}

TEST(ListenRange, ParsesAddressWithoutPort) {
  auto r = parseListenRange("10.0.0.1");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->address.toString(), "10.0.0.1");
  EXPECT_FALSE(r->hasPorts());
  auto v6 = parseListenRange("2001:db8::1");
  ASSERT_TRUE(v6.has_value()) << v6.error().message;
  EXPECT_EQ(v6->address.toString(), "2001:db8::1");
  EXPECT_FALSE(v6->hasPorts());
}

TEST(ListenRange, ParsesSinglePort) {
  auto r = parseListenRange("10.0.0.1:5060");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->address.toString(), "10.0.0.1");
  EXPECT_EQ(r->port_min, 5060);
  EXPECT_EQ(r->port_max, 5060);
  EXPECT_TRUE(r->matches(5060, 40000));
  EXPECT_TRUE(r->matches(40000, 5060));
  EXPECT_FALSE(r->matches(5061, 40000));
}

TEST(ListenRange, ParsesPortRange) {
  auto r = parseListenRange("10.0.0.1:5060-5090");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->port_min, 5060);
  EXPECT_EQ(r->port_max, 5090);
  EXPECT_TRUE(r->matches(5090, 1));
  EXPECT_TRUE(r->matches(1, 5075));
  EXPECT_FALSE(r->matches(5059, 5091));
}

TEST(ListenRange, ParsesBracketedIpv6WithPort) {
  auto r = parseListenRange("[2001:db8::1]:5060-5061");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->address.toString(), "2001:db8::1");
  EXPECT_EQ(r->port_min, 5060);
  EXPECT_EQ(r->port_max, 5061);
}

TEST(ListenRange, ErrorsNameTheKeyAndTheValue) {
  const std::vector<std::string> bad = {"10.0.0.1:",
                                        "10.0.0.1:0",
                                        "10.0.0.1:65536",
                                        "10.0.0.1:50x",
                                        "10.0.0.1:5090-5060",
                                        "10.0.0.1:5060-",
                                        "nohost:5060",
                                        "10.0.0.1:-5060",
                                        "10.0.0.1:+5060",
                                        "10.0.0.1:5060-5070-5080",
                                        "justtext"};
  for (const auto& text : bad) {
    auto r = parseListenRange(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().exit_code, 2) << text;
    EXPECT_EQ(r.error().message.rfind("raw_socket_listen: '" + text + "'", 0), 0U)
        << r.error().message;
  }
}

// ---- portRangeBpf, checked with libpcap's own compiler and filter interpreter.

std::vector<uint8_t> ethernet(uint16_t ether_type) {
  std::vector<uint8_t> f(12, 0x02);
  f.push_back(static_cast<uint8_t>(ether_type >> 8));
  f.push_back(static_cast<uint8_t>(ether_type));
  return f;
}

/// Ethernet + IPv4 (no options) + 8 bytes of L4 header with the two ports.
std::vector<uint8_t> ipv4Frame(uint8_t proto, uint16_t sport, uint16_t dport,
                               uint16_t frag_offset_units = 0) {
  auto f = ethernet(0x0800);
  std::vector<uint8_t> ip = {0x45,
                             0,
                             0,
                             28,
                             0,
                             1,
                             static_cast<uint8_t>(frag_offset_units >> 8),
                             static_cast<uint8_t>(frag_offset_units),
                             64,
                             proto,
                             0,
                             0,
                             192,
                             0,
                             2,
                             1,
                             192,
                             0,
                             2,
                             2};
  f.insert(f.end(), ip.begin(), ip.end());
  std::vector<uint8_t> l4 = {static_cast<uint8_t>(sport >> 8),
                             static_cast<uint8_t>(sport),
                             static_cast<uint8_t>(dport >> 8),
                             static_cast<uint8_t>(dport),
                             0,
                             8,
                             0,
                             0};
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

/// Ethernet + IPv6 whose next header is `next`, + 8 bytes after it.
std::vector<uint8_t> ipv6Frame(uint8_t next, uint16_t sport, uint16_t dport) {
  auto f = ethernet(0x86DD);
  std::vector<uint8_t> ip = {0x60, 0, 0, 0, 0, 8, next, 64};
  ip.resize(40, 0);
  ip[8 + 15] = 1;   // src ::1
  ip[24 + 15] = 2;  // dst ::2
  f.insert(f.end(), ip.begin(), ip.end());
  std::vector<uint8_t> l4 = {static_cast<uint8_t>(sport >> 8),
                             static_cast<uint8_t>(sport),
                             static_cast<uint8_t>(dport >> 8),
                             static_cast<uint8_t>(dport),
                             0,
                             8,
                             0,
                             0};
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

class PortRangeBpfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dead_ = pcap_open_dead(DLT_EN10MB, 65535);
    ASSERT_NE(dead_, nullptr);
    std::string expr = portRangeBpf(5060, 5090);
    ASSERT_EQ(pcap_compile(dead_, &prog_, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN), 0)
        << expr << ": " << pcap_geterr(dead_);
    compiled_ = true;
  }
  void TearDown() override {
    if (compiled_) {
      pcap_freecode(&prog_);
    }
    if (dead_ != nullptr) {
      pcap_close(dead_);
    }
  }
  bool passes(const std::vector<uint8_t>& frame) {
    pcap_pkthdr h{};
    h.caplen = static_cast<bpf_u_int32>(frame.size());
    h.len = h.caplen;
    return pcap_offline_filter(&prog_, &h, frame.data()) != 0;
  }

  pcap_t* dead_ = nullptr;
  bpf_program prog_{};
  bool compiled_ = false;
};

TEST_F(PortRangeBpfTest, TextHasTheRangeAndTheFragmentClauses) {
  EXPECT_EQ(portRangeBpf(5090, 5060), portRangeBpf(5060, 5090));
  std::string expr = portRangeBpf(5060, 5090);
  EXPECT_NE(expr.find("(udp or tcp or sctp) and portrange 5060-5090"), std::string::npos);
  EXPECT_NE(expr.find("ip[6:2] & 0x1fff != 0"), std::string::npos);
}

TEST_F(PortRangeBpfTest, AcceptsSipPortsOverUdpTcpSctpInBothDirections) {
  EXPECT_TRUE(passes(ipv4Frame(17, 40000, 5060)));
  EXPECT_TRUE(passes(ipv4Frame(17, 5090, 40000)));
  EXPECT_TRUE(passes(ipv4Frame(6, 40000, 5075)));
  EXPECT_TRUE(passes(ipv4Frame(132, 5061, 5061)));
  EXPECT_TRUE(passes(ipv6Frame(17, 40000, 5060)));
  EXPECT_TRUE(passes(ipv6Frame(6, 5080, 40000)));
}

TEST_F(PortRangeBpfTest, RejectsOtherPortsAndProtocols) {
  EXPECT_FALSE(passes(ipv4Frame(17, 40000, 5059)));
  EXPECT_FALSE(passes(ipv4Frame(17, 5091, 40000)));
  EXPECT_FALSE(passes(ipv4Frame(1, 5060, 5060)));  // ICMP has no ports
  EXPECT_FALSE(passes(ipv6Frame(17, 40000, 6000)));
  EXPECT_FALSE(passes(ethernet(0x0806)));  // ARP
}

TEST_F(PortRangeBpfTest, AcceptsFragmentsAfterTheFirstWhichHaveNoPorts) {
  // Fragment offset 185 units (1480 bytes): whatever sits where the ports would be.
  EXPECT_TRUE(passes(ipv4Frame(17, 1, 1, 185)));
  EXPECT_TRUE(passes(ipv4Frame(17, 1, 1, 0x2000 | 185)));  // MF set as well
  EXPECT_TRUE(passes(ipv6Frame(44, 1, 1)));                // IPv6 Fragment header
  // A first fragment (offset 0, MF set) carries the ports and is judged by them.
  EXPECT_TRUE(passes(ipv4Frame(17, 40000, 5060, 0x2000)));
  EXPECT_FALSE(passes(ipv4Frame(17, 40000, 6000, 0x2000)));
}

}  // namespace
}  // namespace siphon::source
