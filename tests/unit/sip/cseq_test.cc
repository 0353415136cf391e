#include "sip/cseq.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(CSeq, Parses) {
  auto c = parseCSeq("0009\r\n  INVITE");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->number, 9u);
  EXPECT_EQ(c->method, "INVITE");
  EXPECT_EQ(parseCSeq("4294967295 ACK")->number, 4294967295u);
}

TEST(CSeq, Rejections) {
  EXPECT_FALSE(parseCSeq("4294967296 ACK"));
  EXPECT_FALSE(parseCSeq("36893488147419103232 REGISTER"));
  EXPECT_FALSE(parseCSeq("-1 INVITE"));
  EXPECT_FALSE(parseCSeq("1INVITE"));
  EXPECT_FALSE(parseCSeq("1 INVITE x"));
  EXPECT_FALSE(parseCSeq("INVITE"));
  EXPECT_FALSE(parseCSeq(""));
}

}  // namespace
}  // namespace siphon::sip
