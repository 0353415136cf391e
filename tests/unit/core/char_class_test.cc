// CharClass: membership and firstIn, which stands in for find_first_of on hot paths.

#include "core/char_class.h"

#include <string_view>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(CharClass, FirstInFindsWhatFindFirstOfFinds) {
  for (std::string_view s : {"", "1 INVITE", "1\tINVITE", "314159", "  x", "x  ", "\t"}) {
    EXPECT_EQ(chars::kWsp.firstIn(s), s.find_first_of(" \t")) << s;
  }
}

TEST(CharClass, HighBytesAreOrdinaryMembers) {
  constexpr CharClass high = CharClass::range(0x80, 0xff);
  EXPECT_TRUE(high.contains('\xe9'));
  EXPECT_FALSE(high.contains('e'));
  EXPECT_EQ(high.firstIn("caf\xc3\xa9"), 3u);
  static_assert(CharClass::of("-").firstIn("a-b") == 1);
}

TEST(CharClass, HostAndAddrSpecEndClasses) {
  EXPECT_EQ(chars::kHost.firstIn("proxy.example.com:5060"), 0u);
  EXPECT_EQ((~chars::kHost).firstIn("proxy.example.com:5060"), 17u);
  EXPECT_EQ((~chars::kIpv6).firstIn("2001:db8::1]:5060"), 11u);
  EXPECT_EQ(chars::kAddrSpecEnd.firstIn("sip:a@b;tag=1"), 7u);
}

}  // namespace
}  // namespace siphon::core
