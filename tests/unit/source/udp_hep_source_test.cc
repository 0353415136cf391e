// The UDP HEP source on a real loopback socket (port 0): every datagram a worker reads becomes
// one record, and a second process — here a second source — cannot join the port's group.

#include "source/udp_hep_source.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "support/collecting_ingress.h"
#include "support/records.h"
#include "support/wait.h"

namespace siphon::source {
namespace {

std::vector<std::byte> hepPacket(int i) {
  support::CaptureSpec spec;
  spec.sport = static_cast<uint16_t>(5000 + i);
  return support::hepPacket("OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: udp\r\n\r\n", spec);
}

void sendTo(uint16_t port, const std::vector<std::byte>& p) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::sendto(fd, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
            static_cast<ssize_t>(p.size()));
  ::close(fd);
}

TEST(UdpHepSource, EveryDatagramBecomesOneRecordOfItsListener) {
  support::CollectingIngress pushed;
  UdpHepSource src(*core::Endpoint::parse("udp:127.0.0.1:0"), 2, 1, pushed, {});
  ASSERT_TRUE(src.start().has_value());
  const uint16_t port = src.endpoint()->port;
  ASSERT_NE(port, 0);
  for (int i = 0; i < 200; ++i) sendTo(port, hepPacket(i));
  EXPECT_TRUE(support::waitFor([&] { return pushed.size() == 200; }));
  src.stop();
  EXPECT_EQ(pushed.size(), 200u);
  std::vector<core::StageSnapshot> stages;
  src.snapshot(stages);
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0].stage, "udp:127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(stages[0].count("received"), 200u);
  for (const auto& r : pushed.take()) EXPECT_EQ(r->source, 1);
}

// Issue 9: a second collector started on a port the first one holds joined the first one's
// SO_REUSEPORT group and silently took part of its traffic.
TEST(UdpHepSource, ASecondSourceOnAHeldPortFailsWithAddressInUse) {
  support::CollectingIngress pushed;
  UdpHepSource first(*core::Endpoint::parse("udp:127.0.0.1:0"), 2, 0, pushed, {});
  ASSERT_TRUE(first.start().has_value());
  const std::string taken = "udp:127.0.0.1:" + std::to_string(first.endpoint()->port);
  UdpHepSource second(*core::Endpoint::parse(taken), 2, 0, pushed, {});
  auto r = second.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("address in use"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().exit_code, 0);
  // The first keeps all its traffic.
  for (int i = 0; i < 50; ++i) sendTo(first.endpoint()->port, hepPacket(i));
  first.stop();
  EXPECT_EQ(pushed.size(), 50u);
}

}  // namespace
}  // namespace siphon::source
