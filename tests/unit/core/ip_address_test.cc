#include "core/ip_address.h"

#include <algorithm>
#include <cstddef>

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

// Equality is by family and every byte, as the member-wise default was.
TEST(IpAddress, EqualityIsByFamilyAndEveryByte) {
  const auto a = *IpAddress::parse("192.0.2.1");
  EXPECT_EQ(a, *IpAddress::parse("192.0.2.1"));
  EXPECT_NE(a, *IpAddress::parse("192.0.2.2"));
  EXPECT_NE(a, *IpAddress::parse("::ffff:192.0.2.1"));
  EXPECT_EQ(a, IpAddress::parse("::ffff:192.0.2.1")->unmapped());
  // IPv6 addresses that differ in the first word only, and in the last byte only.
  EXPECT_NE(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("2001:db9::1"));
  EXPECT_NE(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("[2001:db8:0::1]"));
  // The same four leading bytes in the two families are two addresses.
  const std::byte four[4] = {std::byte{32}, std::byte{1}, std::byte{13}, std::byte{184}};
  std::byte sixteen[16] = {};
  std::copy(four, four + 4, sixteen);
  EXPECT_NE(IpAddress::v4(four), IpAddress::v6(sixteen));
  EXPECT_EQ(IpAddress(), IpAddress());
  EXPECT_NE(IpAddress(), *IpAddress::parse("0.0.0.0"));
}

}  // namespace
}  // namespace siphon::core
