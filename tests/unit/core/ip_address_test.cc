#include "core/ip_address.h"

#include <arpa/inet.h>

#include <array>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
  auto v4 = IpAddress::parse("192.168.1.10");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->isV4());
  EXPECT_EQ(v4->toString(), "192.168.1.10");
  auto v6 = IpAddress::parse("[2001:DB8:0:0::1]");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->isV6());
  EXPECT_EQ(v6->toString(), "2001:db8::1");
}

// IPv4 text is formatted by hand (ip_address.cc): it must equal inet_ntop's for every value of
// every octet, one- two- and three-digit ones side by side.
TEST(IpAddress, PrintsIpv4AsInetNtopDoes) {
  for (unsigned octet = 0; octet < 4; ++octet) {
    for (unsigned v = 0; v < 256; ++v) {
      std::array<std::byte, 4> b = {std::byte{10}, std::byte{200}, std::byte{7}, std::byte{99}};
      b[octet] = static_cast<std::byte>(v);
      char expected[INET_ADDRSTRLEN];
      ASSERT_NE(inet_ntop(AF_INET, b.data(), expected, sizeof expected), nullptr);
      ASSERT_EQ(IpAddress::v4(b).toString(), expected);
    }
  }
  EXPECT_EQ(IpAddress::v4(std::array<std::byte, 4>{}).toString(), "0.0.0.0");
  const std::array<std::byte, 4> ones = {std::byte{255}, std::byte{255}, std::byte{255},
                                         std::byte{255}};
  EXPECT_EQ(IpAddress::v4(ones).toString(), "255.255.255.255");
}

TEST(IpAddress, RejectsGarbage) {
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::parse("example.com"));
  EXPECT_FALSE(IpAddress::parse(std::string(200, '1')));
}

TEST(IpAddress, UnmapsV4MappedV6) {
  auto m = IpAddress::parse("::ffff:192.0.2.2");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->isV4Mapped());
  EXPECT_EQ(m->unmapped().toString(), "192.0.2.2");
  EXPECT_EQ(IpAddress().toString(), "");
}

}  // namespace
}  // namespace siphon::core
