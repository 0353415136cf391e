// findHeaderValue: the first field of a name from the bytes, any case, compact forms both ways,
// unknown names, and what is not a header section.

#include "sip/header_lookup.h"

#include <gtest/gtest.h>

#include <string>

namespace siphon::sip {
namespace {

const std::string_view kMsg =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "i: compact-1@example.com\r\n"
    "x-trace:   yes \r\n"
    "X-Trace: second\r\n"
    "Replaces: a@b;to-tag=1\r\n"
    "\r\n"
    "X-Body: not a header\r\n";

TEST(HeaderLookup, FindsTheFirstFieldOfAName) {
  EXPECT_EQ(findHeaderValue(kMsg, "Call-ID"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "call-id"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "i"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "v"), "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1");
  EXPECT_EQ(findHeaderValue(kMsg, "X-Trace"), "yes");
  EXPECT_EQ(findHeaderValue(kMsg, "replaces"), "a@b;to-tag=1");
}

TEST(HeaderLookup, NothingPastTheHeaderSectionOrInBrokenInput) {
  EXPECT_EQ(findHeaderValue(kMsg, "X-Body"), std::nullopt);
  EXPECT_EQ(findHeaderValue(kMsg, "Contact"), std::nullopt);
  EXPECT_EQ(findHeaderValue("", "Call-ID"), std::nullopt);
  EXPECT_EQ(findHeaderValue("no line end", "Call-ID"), std::nullopt);
  EXPECT_EQ(findHeaderValue("INVITE x SIP/2.0\r\nCall-ID: cut", "Call-ID"), "cut");
  EXPECT_EQ(findHeaderValue(kMsg, ""), std::nullopt);
}

// CRLFs before the start line are skipped (RFC 3261 §7.5), as SipMessage::parse() skips them:
// a keep-alive CRLF ahead of a message on a stream must not hide its headers.
TEST(HeaderLookup, CrlfsBeforeTheStartLineAreSkipped) {
  const std::string message = "\r\n\n" + std::string(kMsg);
  EXPECT_EQ(findHeaderValue(message, "Call-ID"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue("\r\n\r\n", "Call-ID"), std::nullopt);
}

}  // namespace
}  // namespace siphon::sip
