#include "sip/multipart.h"

#include <gtest/gtest.h>

#include <string>

namespace siphon::sip {
namespace {

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(multipartBoundary("multipart/mixed;boundary=unique-boundary-1"), "unique-boundary-1");
  EXPECT_EQ(multipartBoundary("Multipart/Mixed; boundary=\"a b\""), "a b");
  EXPECT_FALSE(multipartBoundary("application/sdp"));
  EXPECT_FALSE(multipartBoundary("multipart/mixed"));
}

TEST(Multipart, SplitsSdpAndIsup) {
  const std::string body = std::string(
      "preamble\r\n"
      "--unique-boundary-1\r\n"
      "Content-Type: application/sdp\r\n"
      "\r\n"
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
      "\r\n"
      "--unique-boundary-1\r\n"
      "c: application/ISUP;version=nxv3;base=etsi121\r\n"
      "Content-Disposition: signal;handling=optional\r\n"
      "\r\n") +
      std::string("\x01\x00\x49\x00\x00\x03", 6) +
      "\r\n"
      "--unique-boundary-1--\r\n"
      "epilogue";
  auto parts = splitMultipart(body, "unique-boundary-1");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].content_type, "application/sdp");
  EXPECT_EQ((*parts)[0].headers, "Content-Type: application/sdp");
  EXPECT_EQ((*parts)[0].body, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
  EXPECT_EQ((*parts)[1].content_type, "application/ISUP;version=nxv3;base=etsi121");
  EXPECT_EQ((*parts)[1].body, std::string("\x01\x00\x49\x00\x00\x03", 6));
  // Views, not copies.
  EXPECT_GE((*parts)[1].body.data(), body.data());
  EXPECT_LE((*parts)[1].body.data() + (*parts)[1].body.size(), body.data() + body.size());
}

TEST(Multipart, PartWithoutHeadersAndLfLineEnds) {
  const std::string body = "--b\n\nplain\n--b\nContent-Type: text/plain\n\nx\n--b--\n";
  auto parts = splitMultipart(body, "b");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].headers, "");
  EXPECT_EQ((*parts)[0].body, "plain");
  EXPECT_EQ((*parts)[1].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].body, "x");
}

TEST(Multipart, Errors) {
  EXPECT_EQ(splitMultipart("no delimiter here", "b").error().code, SipErrc::BadMultipart);
  EXPECT_EQ(splitMultipart("--b\r\nContent-Type: x", "b").error().code, SipErrc::BadMultipart);
  EXPECT_FALSE(splitMultipart("x", ""));
  EXPECT_FALSE(splitMultipart("--b--", "b"));
}

}  // namespace
}  // namespace siphon::sip
