#include "sip/via.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(Via, FoldedAndSpaced) {
  auto v = parseVia("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->protocol_name, "SIP");
  EXPECT_EQ(v->transport, "UDP");
  EXPECT_EQ(v->host, "192.0.2.2");
  EXPECT_EQ(v->branch, "390skdjuw");
}

TEST(Via, PortAndParams) {
  auto v = parseVia("SIP/2.0/TCP [2001:db8::9:1] : 6050 ;received=[2001:db8::9:255];rport=1;branch=z9hG4bKx");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->host, "2001:db8::9:1");
  EXPECT_EQ(v->port, 6050);
  EXPECT_EQ(v->received, "[2001:db8::9:255]");
  EXPECT_EQ(v->rport, "1");
  EXPECT_TRUE(v->has_rport);
  EXPECT_EQ(v->branch, "z9hG4bKx");
}

TEST(Via, Rejections) {
  EXPECT_FALSE(parseVia("SIP/2.0/UDP 192.0.2.15;;"));
  EXPECT_FALSE(parseVia(";"));
  EXPECT_FALSE(parseVia(""));
  EXPECT_FALSE(parseVia("SIP/2.0/UDP"));
  EXPECT_FALSE(parseVia("SIP/2.0 UDP host"));
  EXPECT_FALSE(parseVia("SIP/2.0/UDP host:70000"));
  EXPECT_FALSE(parseVia("SIP/2.0/UDP [::1"));
  EXPECT_FALSE(parseVia("SIP/2.0/UDP host;branch="));
}

}  // namespace
}  // namespace siphon::sip
