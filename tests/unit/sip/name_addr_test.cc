#include "sip/name_addr.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(NameAddr, QuotedDisplayNameWithEscapes) {
  auto n = parseNameAddr(R"("Quoted string \"\"" <sip:jdrosen@example.com> ; newparam = newvalue)");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->display_name_quoted);
  EXPECT_EQ(n->display_name, R"(Quoted string \"\")");
  EXPECT_EQ(n->uri.user, "jdrosen");
  EXPECT_EQ(n->params, "; newparam = newvalue");
}

TEST(NameAddr, AddrSpecParamsBelongToTheHeader) {
  auto n = parseNameAddr("sip:caller@example.net;tag=134161461246");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->uri_text, "sip:caller@example.net");
  EXPECT_EQ(n->tag(), "134161461246");
}

TEST(NameAddr, StarAndNoSpaceBeforeAngle) {
  EXPECT_TRUE(parseNameAddr(" * ")->star);
  auto n = parseNameAddr("caller<sip:caller@example.com>;tag=323");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->display_name, "caller");
  EXPECT_EQ(n->tag(), "323");
}

TEST(NameAddr, Rejections) {
  EXPECT_EQ(parseNameAddr("\"Mr. J. User <sip:j.user@example.com>").error().code,
            SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("\"Watson, Thomas\" < sip:t.watson@example.org >").error().code,
            SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("Bell, Alexander <sip:a.g.bell@example.com>;tag=43").error().code,
            SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("sip:user@example.com?Route=%3Csip:sip.example.com%3E").error().code,
            SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("\"Joe\" <sip:joe@example.org>;;;;").error().code,
            SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("<sip:a@b").error().code, SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("<sip:a@b> junk").error().code, SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("").error().code, SipErrc::BadHeaderValue);
  EXPECT_EQ(parseNameAddr("<nocolon>").error().code, SipErrc::BadUri);
}

}  // namespace
}  // namespace siphon::sip
