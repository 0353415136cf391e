// The hop a message travelled on, for the flags C / c (trace/trace_hop.h): either direction
// of the same pair of endpoints; ports count on UDP, not on TCP, whose replies and later
// requests may use another connection.

#include "trace/trace_hop.h"

#include <gtest/gtest.h>

namespace siphon::trace {
namespace {

core::CaptureMeta meta(std::string_view src, uint16_t sport, std::string_view dst, uint16_t dport,
                       uint8_t ip_proto = 17) {
  core::CaptureMeta m;
  m.src_ip = *core::IpAddress::parse(src);
  m.dst_ip = *core::IpAddress::parse(dst);
  m.src_port = sport;
  m.dst_port = dport;
  m.ip_proto = ip_proto;
  return m;
}

TEST(TraceHop, TheSamePairOfEndpointsEitherWay) {
  const Hop hop = Hop::of(meta("10.0.0.1", 5060, "10.0.0.2", 5060));
  EXPECT_TRUE(hop.carries(meta("10.0.0.1", 5060, "10.0.0.2", 5060)));
  EXPECT_TRUE(hop.carries(meta("10.0.0.2", 5060, "10.0.0.1", 5060)));
  EXPECT_FALSE(hop.carries(meta("10.0.0.2", 5060, "10.0.0.3", 5060))) << "the next hop";
  EXPECT_FALSE(hop.carries(meta("10.0.0.1", 5062, "10.0.0.2", 5060))) << "another UDP port";
  EXPECT_TRUE(hop.carries(meta("::ffff:10.0.0.2", 5060, "10.0.0.1", 5060))) << "v4-mapped";
}

TEST(TraceHop, StreamTransportsCompareAddressesOnly) {
  const Hop hop = Hop::of(meta("10.0.0.1", 40001, "10.0.0.2", 5060, 6));
  EXPECT_TRUE(hop.carries(meta("10.0.0.2", 5060, "10.0.0.1", 40001, 6)));
  EXPECT_TRUE(hop.carries(meta("10.0.0.2", 41000, "10.0.0.1", 5060, 6))) << "a new connection";
  EXPECT_FALSE(hop.carries(meta("10.0.0.2", 41000, "10.0.0.9", 5060, 6)));
}

}  // namespace
}  // namespace siphon::trace
