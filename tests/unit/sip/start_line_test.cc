#include "sip/start_line.h"

#include <gtest/gtest.h>

#include <cstdio>

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

// Every three-digit code, the version as written, and the shapes around the code: the status
// line reads the version and the code without a search or from_chars.
TEST(StartLine, StatusCodesAndVersion) {
  for (unsigned code = 0; code <= 999; ++code) {
    char line[32];
    std::snprintf(line, sizeof line, "SIP/2.0 %03u Reason", code);
    auto r = parseStartLine(line);
    if (code >= 100 && code <= 699) {
      ASSERT_TRUE(r) << line;
      EXPECT_EQ(r->status_code, code);
      EXPECT_EQ(r->version, "SIP/2.0");
      EXPECT_EQ(r->reason, "Reason");
    } else {
      ASSERT_FALSE(r) << line;
      EXPECT_EQ(r.error().code, SipErrc::BadStatusCode) << line;
    }
  }
  auto lower = parseStartLine("sip/2.0 486 Busy Here");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->version, "sip/2.0");
  EXPECT_EQ(lower->status_text, "486");
  EXPECT_EQ(parseStartLine("SIP/2.0").error().code, SipErrc::BadStartLine);
  EXPECT_EQ(parseStartLine("SIP/2.0 ").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.0 2000 OK").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.0  200 OK").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.0 2x0 OK").error().code, SipErrc::BadStatusCode);
  EXPECT_EQ(parseStartLine("SIP/2.1 200 OK").error().code, SipErrc::BadVersion);
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
