// Live capture sources on real interfaces. Needs CAP_NET_RAW (root); skipped otherwise.
//
// By default everything runs on the loopback interface: UDP to 127.0.0.1 for the libpcap
// source and hand-made IP-in-IP packets to 127.0.0.1 for the raw IPIP source. The integration
// script tests/integration/live_capture_netns_test.sh runs the same binary inside a network
// namespace it creates, with a veth pair and an ipip tunnel, and points the tests at them:
//   SIPHON_TEST_LIVE_IF      interface to capture on (default "lo")
//   SIPHON_TEST_LIVE_ADDR    local address the UDP receivers bind (default 127.0.0.1)
//   SIPHON_TEST_PEER_NETNS   a netns path; if set, the sender thread joins it (setns), so the
//                            packets really cross the veth pair
//   SIPHON_TEST_IPIP_LISTEN  raw_socket_listen address for the IPIP source (default 127.0.0.1)
//   SIPHON_TEST_IPIP_INNER   if set, the peer sends plain UDP to this inner address and its
//                            ipip tunnel device encapsulates it; otherwise the test crafts the
//                            IP-in-IP packets itself
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "source/ipip_raw_source.h"
#include "source/listen_range.h"
#include "source/live_pcap_source.h"

namespace siphon::source {
namespace {

using Clock = std::chrono::steady_clock;

std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : std::string(fallback);
}

// Every read loop is bounded by count and by this much wall time.
constexpr auto kReadBound = std::chrono::seconds(10);
constexpr int kMaxReads = 100000;

sockaddr_in v4(const std::string& ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  EXPECT_EQ(inet_pton(AF_INET, ip.c_str(), &sin.sin_addr), 1) << ip;
  return sin;
}

/// A bound UDP socket on ip:0; closes on destruction.
struct UdpSocket {
  int fd = -1;
  uint16_t port = 0;
  explicit UdpSocket(const std::string& ip) {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin = v4(ip, 0);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0) << ip;
    socklen_t len = sizeof sin;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
    port = ntohs(sin.sin_port);
  }
  ~UdpSocket() { ::close(fd); }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
};

std::string sipOptions(const std::string& host, uint16_t port, const std::string& token) {
  return "OPTIONS sip:probe@" + host + ":" + std::to_string(port) + " SIP/2.0\r\n" +
         "Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-" + token + "\r\n" +
         "From: <sip:test@example.invalid>;tag=" + token + "\r\n" + "To: <sip:probe@" + host +
         ">\r\n" + "Call-ID: " + token + "\r\n" +
         "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

/// Runs `send` on a thread that first joins SIPHON_TEST_PEER_NETNS (network namespaces are
/// per thread), or on this thread when there is none.
void runAsPeer(const std::function<void()>& send) {
  std::string ns = env("SIPHON_TEST_PEER_NETNS", "");
  if (ns.empty()) {
    send();
    return;
  }
  std::thread t([&] {
    int fd = ::open(ns.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << ns;
    ASSERT_EQ(::setns(fd, CLONE_NEWNET), 0) << ns << ": " << std::strerror(errno);
    ::close(fd);
    send();
  });
  t.join();
}

bool contains(std::span<const std::byte> hay, std::string_view needle) {
  auto* b = reinterpret_cast<const char*>(hay.data());
  return std::string_view(b, hay.size()).find(needle) != std::string_view::npos;
}

/// Reads until `done` says so, a nullopt/error, or the bound; calls `on_packet` per frame.
void readUntil(PacketSource& src, const std::function<void(const RawPacket&)>& on_packet,
               const std::function<bool()>& done) {
  auto deadline = Clock::now() + kReadBound;
  for (int i = 0; i < kMaxReads && !done() && Clock::now() < deadline; ++i) {
    auto next = src.next();
    ASSERT_TRUE(next.has_value()) << next.error().message;
    ASSERT_TRUE(next->has_value()) << "source ended";
    const RawPacket& p = **next;
    if (p.idle) {
      EXPECT_TRUE(p.bytes.empty());
      continue;
    }
    on_packet(p);
  }
}

// ---------------------------------------------------------------- LivePcapSource

class LivePcapSourceTest : public ::testing::Test {
 protected:
  /// Opens the test interface; skips the test without the privilege to capture.
  std::unique_ptr<LivePcapSource> openOrSkip(LivePcapOptions o) {
    auto src = LivePcapSource::open(o);
    if (!src.has_value()) {
      const std::string& m = src.error().message;
      if (m.find("ermission") != std::string::npos ||
          m.find("not permitted") != std::string::npos) {
        return nullptr;
      }
      ADD_FAILURE() << m;
      return nullptr;
    }
    return std::move(src).value();
  }

  std::string if_ = env("SIPHON_TEST_LIVE_IF", "lo");
  std::string addr_ = env("SIPHON_TEST_LIVE_ADDR", "127.0.0.1");
};

TEST_F(LivePcapSourceTest, SeesEverySipPacketOnThePortRangeAndNoneOutsideIt) {
  UdpSocket in(addr_);   // SIP port under capture
  UdpSocket out(addr_);  // a port the filter must exclude
  ASSERT_NE(in.port, 0);
  ASSERT_NE(out.port, 0);
  LivePcapOptions o;
  o.interface = if_;
  o.filter = portRangeBpf(in.port, in.port);
  auto src = openOrSkip(o);
  if (!src) {
    GTEST_SKIP() << "cannot capture on " << if_ << " (needs CAP_NET_RAW)";
  }

  constexpr int kCount = 50;
  std::string token = "siphon-live-" + std::to_string(::getpid()) + "-";
  runAsPeer([&] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    for (int i = 0; i < kCount; ++i) {
      for (auto [port, kind] : {std::pair{in.port, "in"}, std::pair{out.port, "out"}}) {
        std::string msg = sipOptions(addr_, port, token + kind + "-" + std::to_string(i) + ";");
        sockaddr_in to = v4(addr_, port);
        ASSERT_EQ(
            ::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(msg.size()));
      }
    }
    ::close(fd);
  });

  std::map<std::string, int> seen;
  int foreign = 0;
  readUntil(
      *src,
      [&](const RawPacket& p) {
        EXPECT_EQ(p.link_type, src->linkType());
        EXPECT_FALSE(p.cutBySnaplen());
        EXPECT_GT(p.ts_sec, 0U);
        EXPECT_LT(p.ts_nsec, 1000000000U);
        bool ours = false;
        for (int i = 0; i < kCount; ++i) {
          for (const char* kind : {"in", "out"}) {
            std::string t = token + kind + "-" + std::to_string(i) + ";";
            if (contains(p.bytes, t)) {
              ++seen[t];
              ours = true;
            }
          }
        }
        foreign += ours ? 0 : 1;
      },
      [&] { return static_cast<int>(seen.size()) >= kCount; });

  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(seen[token + "in-" + std::to_string(i) + ";"], 1) << "message " << i;
    EXPECT_EQ(seen.count(token + "out-" + std::to_string(i) + ";"), 0U) << "filtered port " << i;
  }
  EXPECT_EQ(src->packetCount(), static_cast<uint64_t>(kCount + foreign));
  auto stats = src->stats();
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  EXPECT_GE(stats->received, static_cast<uint64_t>(kCount));
  EXPECT_EQ(stats->dropped, 0U);
}

TEST_F(LivePcapSourceTest, ReturnsIdlePacketsWhenNothingArrives) {
  UdpSocket quiet(addr_);  // bound so no one else gets this port; nothing is sent to it
  LivePcapOptions o;
  o.interface = if_;
  o.filter = "udp and port " + std::to_string(quiet.port);
  o.poll_timeout_ms = 20;
  auto src = openOrSkip(o);
  if (!src) {
    GTEST_SKIP() << "cannot capture on " << if_;
  }
  for (int i = 0; i < 3; ++i) {
    auto next = src->next();
    ASSERT_TRUE(next.has_value()) << next.error().message;
    ASSERT_TRUE(next->has_value()) << "idle must not mean end of input";
    EXPECT_TRUE((*next)->idle);
    EXPECT_TRUE((*next)->bytes.empty());
  }
  EXPECT_EQ(src->packetCount(), 0U);
}

TEST_F(LivePcapSourceTest, StopFromAnotherThreadEndsAWaitingNext) {
  UdpSocket quiet(addr_);
  LivePcapOptions o;
  o.interface = if_;
  o.filter = "udp and port " + std::to_string(quiet.port);
  // Far longer than the stop delay: a next() that returns idle was not woken by stop().
  o.poll_timeout_ms = 30000;
  auto src = openOrSkip(o);
  if (!src) {
    GTEST_SKIP() << "cannot capture on " << if_;
  }
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    src->stop();
  });
  auto next = src->next();
  ASSERT_TRUE(next.has_value()) << next.error().message;
  EXPECT_FALSE(next->has_value()) << "stop() must end the input, not give an idle packet";
  stopper.join();
  auto again = src->next();
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->has_value());
}

TEST_F(LivePcapSourceTest, BadFilterErrorNamesTheInterfaceAndTheFilter) {
  LivePcapOptions o;
  o.interface = if_;
  o.filter = "udp and portrange banana";
  auto src = LivePcapSource::open(o);
  ASSERT_FALSE(src.has_value());
  const std::string& m = src.error().message;
  if (m.find("ermission") != std::string::npos) {
    GTEST_SKIP() << m;
  }
  EXPECT_EQ(m.rfind("interface " + if_ + ": bad filter 'udp and portrange banana': ", 0), 0U) << m;
}

TEST(LivePcapSource, UnknownInterfaceIsAnErrorNamingIt) {
  LivePcapOptions o;
  o.interface = "siphon-nonexistent0";
  auto src = LivePcapSource::open(o);
  ASSERT_FALSE(src.has_value());
  EXPECT_EQ(src.error().message.rfind("interface siphon-nonexistent0: ", 0), 0U)
      << src.error().message;
}

TEST(LivePcapSource, NoInterfaceIsAConfigurationError) {
  auto src = LivePcapSource::open(LivePcapOptions{});
  ASSERT_FALSE(src.has_value());
  EXPECT_EQ(src.error().exit_code, 2);
  EXPECT_NE(src.error().message.find("raw_interface"), std::string::npos);
}

// ---------------------------------------------------------------- IpipRawSource

uint16_t ipChecksum(const std::vector<uint8_t>& h) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    sum += static_cast<uint32_t>(h[i] << 8 | h[i + 1]);
  }
  while (sum >> 16) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

/// Inner IPv4/UDP packet 192.0.2.10:5062 -> 192.0.2.20:5060 carrying `payload` (UDP checksum
/// 0: "no checksum", allowed over IPv4).
std::vector<uint8_t> innerUdp(const std::string& payload) {
  auto total = static_cast<uint16_t>(20 + 8 + payload.size());
  std::vector<uint8_t> p = {0x45,
                            0,
                            static_cast<uint8_t>(total >> 8),
                            static_cast<uint8_t>(total),
                            0x12,
                            0x34,
                            0,
                            0,
                            64,
                            17,
                            0,
                            0,
                            192,
                            0,
                            2,
                            10,
                            192,
                            0,
                            2,
                            20};
  uint16_t c = ipChecksum(p);
  p[10] = static_cast<uint8_t>(c >> 8);
  p[11] = static_cast<uint8_t>(c);
  auto ulen = static_cast<uint16_t>(8 + payload.size());
  std::vector<uint8_t> udp = {
      0x13, 0xC6, 0x13, 0xC4, static_cast<uint8_t>(ulen >> 8), static_cast<uint8_t>(ulen), 0, 0};
  p.insert(p.end(), udp.begin(), udp.end());
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

std::unique_ptr<IpipRawSource> openIpipOrSkip(const IpipRawOptions& o) {
  auto src = IpipRawSource::open(o);
  if (!src.has_value()) {
    if (src.error().message.find("not permitted") == std::string::npos) {
      ADD_FAILURE() << src.error().message;
    }
    return nullptr;
  }
  return std::move(src).value();
}

TEST(IpipRawSource, HandsOutOuterHeaderAndInnerPacketAsRawIp) {
  std::string listen = env("SIPHON_TEST_IPIP_LISTEN", "127.0.0.1");
  std::string inner_dst = env("SIPHON_TEST_IPIP_INNER", "");
  IpipRawOptions o;
  o.listen = *core::IpAddress::parse(listen);
  auto src = openIpipOrSkip(o);
  if (!src) {
    GTEST_SKIP() << "no raw IPIP socket (needs CAP_NET_RAW)";
  }

  constexpr int kCount = 20;
  constexpr uint16_t kInnerPort = 5060;
  std::string token = "siphon-ipip-" + std::to_string(::getpid()) + "-";
  std::vector<std::string> messages;
  for (int i = 0; i < kCount; ++i) {
    messages.push_back(sipOptions("192.0.2.20", kInnerPort, token + std::to_string(i) + ";"));
  }
  runAsPeer([&] {
    if (inner_dst.empty()) {
      // The kernel adds the outer IPv4 header (protocol 4) to what we write.
      int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP);
      ASSERT_GE(fd, 0) << std::strerror(errno);
      sockaddr_in to = v4(listen, 0);
      for (const auto& m : messages) {
        auto pkt = innerUdp(m);
        ASSERT_EQ(
            ::sendto(fd, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(pkt.size()))
            << std::strerror(errno);
      }
      ::close(fd);
    } else {
      // The peer's ipip device encapsulates ordinary UDP routed into it.
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      ASSERT_GE(fd, 0);
      sockaddr_in to = v4(inner_dst, kInnerPort);
      for (const auto& m : messages) {
        ASSERT_EQ(::sendto(fd, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
                  static_cast<ssize_t>(m.size()))
            << std::strerror(errno);
      }
      ::close(fd);
    }
  });

  std::map<int, int> seen;
  readUntil(
      *src,
      [&](const RawPacket& p) {
        EXPECT_EQ(p.link_type, 101U);  // LINKTYPE_RAW
        EXPECT_EQ(p.wire_length, p.bytes.size());
        EXPECT_GT(p.ts_sec, 0U);
        if (!contains(p.bytes, token)) {
          return;  // someone else's tunnel traffic
        }
        auto b = [&p](size_t i) { return std::to_integer<uint8_t>(p.bytes[i]); };
        ASSERT_GE(p.bytes.size(), 48U);
        ASSERT_EQ(b(0) >> 4, 4);  // outer IPv4
        EXPECT_EQ(b(9), 4);       // outer protocol: IP-in-IP
        size_t inner = static_cast<size_t>(b(0) & 0x0F) * 4;
        ASSERT_GE(p.bytes.size(), inner + 28);
        EXPECT_EQ(b(inner) >> 4, 4);  // inner IPv4
        EXPECT_EQ(b(inner + 9), 17);  // inner UDP
        size_t udp = inner + static_cast<size_t>(b(inner) & 0x0F) * 4;
        EXPECT_EQ(b(udp + 2) << 8 | b(udp + 3), kInnerPort);
        std::string_view payload(reinterpret_cast<const char*>(p.bytes.data()) + udp + 8,
                                 p.bytes.size() - udp - 8);
        for (int i = 0; i < kCount; ++i) {
          if (payload == messages[static_cast<size_t>(i)]) {
            ++seen[i];
          }
        }
      },
      [&] { return static_cast<int>(seen.size()) >= kCount; });

  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(seen[i], 1) << "message " << i << " (byte-exact inner payload)";
  }
  EXPECT_GE(src->stats().received, static_cast<uint64_t>(kCount));
}

TEST(IpipRawSource, ReturnsIdleThenEndsOnStop) {
  IpipRawOptions o;
  // An address no tunnel traffic goes to, so nothing arrives.
  o.listen = *core::IpAddress::parse(env("SIPHON_TEST_IPIP_LISTEN", "127.0.0.1"));
  o.poll_timeout_ms = 20;
  auto src = openIpipOrSkip(o);
  if (!src) {
    GTEST_SKIP() << "no raw IPIP socket (needs CAP_NET_RAW)";
  }
  // Other tests may tunnel to 127.0.0.1 too: any packet is fine, but within the bound we must
  // see an idle one.
  bool idle = false;
  for (int i = 0; i < 1000 && !idle; ++i) {
    auto next = src->next();
    ASSERT_TRUE(next.has_value()) << next.error().message;
    ASSERT_TRUE(next->has_value());
    idle = (*next)->idle;
  }
  EXPECT_TRUE(idle);

  o.poll_timeout_ms = 30000;
  auto waiting = openIpipOrSkip(o);
  ASSERT_TRUE(waiting);
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    waiting->stop();
  });
  // Skip any stray tunnel packets; the first non-packet answer must be the end.
  std::optional<RawPacket> last;
  for (int i = 0; i < 1000; ++i) {
    auto next = waiting->next();
    ASSERT_TRUE(next.has_value()) << next.error().message;
    last = *next;
    if (!last || last->idle) {
      break;
    }
  }
  EXPECT_FALSE(last.has_value()) << "stop() must end the input, not give an idle packet";
}

TEST(IpipRawSource, RejectsAnIpv6ListenAddress) {
  IpipRawOptions o;
  o.listen = *core::IpAddress::parse("2001:db8::1");
  auto src = IpipRawSource::open(o);
  ASSERT_FALSE(src.has_value());
  EXPECT_EQ(src.error().exit_code, 2);
  EXPECT_EQ(src.error().message.rfind("raw_ipip_capture_on: ", 0), 0U) << src.error().message;
}

}  // namespace
}  // namespace siphon::source
