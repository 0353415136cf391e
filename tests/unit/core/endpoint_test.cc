#include "core/endpoint.h"

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(Endpoint, ParsesKamailioStyleAddresses) {
  auto a = Endpoint::parse("udp:127.0.0.1:9060");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->proto, EndpointProto::Udp);
  EXPECT_EQ(a->port, 9060);
  auto b = Endpoint::parse("tcp:[::1]:9061");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->proto, EndpointProto::Tcp);
  EXPECT_TRUE(b->ip.isV6());
  EXPECT_EQ(b->toString(), "tcp:[::1]:9061");
  auto bare = Endpoint::parse("0.0.0.0:0");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->proto, EndpointProto::Udp);
}

TEST(Endpoint, RejectsBadAddressesWithTheirText) {
  for (const char* text : {"9060", "udp:host.example:9060", "udp:1.2.3.4:99999", "::1:9060",
                           "tcp:1.2.3.4:", "tcp:1.2.3.4:12x"}) {
    auto r = Endpoint::parse(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_NE(r.error().message.find(text), std::string::npos);
    EXPECT_EQ(r.error().exit_code, 2);
  }
}

}  // namespace
}  // namespace siphon::core
