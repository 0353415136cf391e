// AddressMatch: one address, a network, an address and port; IPv4 conditions see through the
// v4-mapped IPv6 form; bad text is an error that says what is wrong.

#include "core/address_match.h"

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

IpAddress ip(std::string_view s) { return *IpAddress::parse(s); }

TEST(AddressMatch, AddressNetworkAndPort) {
  auto one = AddressMatch::parse("10.1.2.3");
  ASSERT_TRUE(one.has_value());
  EXPECT_TRUE(one->matches(ip("10.1.2.3"), 5060));
  EXPECT_FALSE(one->matches(ip("10.1.2.4"), 5060));
  auto net = AddressMatch::parse("10.0.0.0/8");
  ASSERT_TRUE(net.has_value());
  EXPECT_TRUE(net->matches(ip("10.200.0.1"), 1));
  EXPECT_FALSE(net->matches(ip("11.0.0.1"), 1));
  EXPECT_TRUE(net->matches(ip("::ffff:10.9.9.9"), 1)) << "v4-mapped";
  auto odd = AddressMatch::parse("192.168.1.128/25");
  ASSERT_TRUE(odd.has_value());
  EXPECT_TRUE(odd->matches(ip("192.168.1.200"), 0));
  EXPECT_FALSE(odd->matches(ip("192.168.1.100"), 0));
  auto port = AddressMatch::parse("10.1.2.3:5060");
  ASSERT_TRUE(port.has_value());
  EXPECT_TRUE(port->matches(ip("10.1.2.3"), 5060));
  EXPECT_FALSE(port->matches(ip("10.1.2.3"), 5061));
  auto v6 = AddressMatch::parse("[fd00::1]:9060");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->matches(ip("fd00::1"), 9060));
  EXPECT_FALSE(v6->matches(ip("fd00::1"), 9061));
  auto v6net = AddressMatch::parse("fd00::/8");
  ASSERT_TRUE(v6net.has_value());
  EXPECT_TRUE(v6net->matches(ip("fdff::7"), 0));
  EXPECT_FALSE(v6net->matches(ip("10.0.0.1"), 0));
  auto bare6 = AddressMatch::parse("::1");
  ASSERT_TRUE(bare6.has_value());
  EXPECT_TRUE(bare6->matches(ip("::1"), 77));
}

TEST(AddressMatch, BadTextIsAnError) {
  for (const char* bad : {"", "10.0.0.0/33", "fd00::/129", "10.1.2.3:0", "10.1.2.3:70000",
                          "host.example", "[::1", "[::1]x", "10.0.0.0/"}) {
    auto m = AddressMatch::parse(bad);
    EXPECT_FALSE(m.has_value()) << bad;
  }
}

}  // namespace
}  // namespace siphon::core
