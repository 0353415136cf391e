#include "core/ip_address.h"

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
