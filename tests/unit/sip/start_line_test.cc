#include "sip/start_line.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(StartLine, Request) {
  auto r = parseStartLine("INVITE sip:a@b;lr SIP/2.0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, StartLineKind::Request);
  EXPECT_EQ(r->method, "INVITE");
  EXPECT_EQ(r->request_uri, "sip:a@b;lr");
}

TEST(StartLine, StatusWithAndWithoutReason) {
  auto r = parseStartLine("SIP/2.0 180 Ringing here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_code, 180);
  EXPECT_EQ(r->reason, "Ringing here");
  auto e = parseStartLine("SIP/2.0 100 ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, "");
  auto n = parseStartLine("SIP/2.0 603");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status_text, "603");
}

TEST(StartLine, Rejections) {
  EXPECT_EQ(parseStartLine("INVITE  sip:a@b SIP/2.0").error().code, SipErrc::BadStartLine);
  EXPECT_EQ(parseStartLine("INVITE sip:a@b  SIP/2.0").error().code, SipErrc::BadStartLine);
  EXPECT_EQ(parseStartLine("INVITE sip:a@b; lr SIP/2.0").error().code, SipErrc::BadStartLine);
  EXPECT_EQ(parseStartLine("INVITE sip:a@b").error().code, SipErrc::BadStartLine);
  EXPECT_EQ(parseStartLine("INVITE sip:a@b SIP/1.0").error().code, SipErrc::BadVersion);
  EXPECT_EQ(parseStartLine("SIP/2.0 20 OK").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.0 700 X").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.0 200OK").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("").error().code, SipErrc::BadStartLine);
}

}  // namespace
}  // namespace siphon::sip
