// SipMessage framing, header access and limits.

#include <gtest/gtest.h>

#include <string>

#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::crlf;

const std::string kOptions = "OPTIONS sip:bob@example.com SIP/2.0\n"
                             "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
                             "f: <sip:alice@example.com>;tag=1\n"
                             "t: <sip:bob@example.com>\n"
                             "i: call-1\n"
                             "CSeq: 1 OPTIONS\n"
                             "l: 4\n"
                             "\n"
                             "body";

TEST(LooksLikeSip, AcceptsRequestAndStatusLines) {
  EXPECT_TRUE(looksLikeSip("INVITE sip:a@b SIP/2.0\r\n"));
  EXPECT_TRUE(looksLikeSip("SIP/2.0 200 OK\r\n"));
  EXPECT_TRUE(looksLikeSip("SIP/2.0 100 \r\n"));
  EXPECT_TRUE(looksLikeSip("REGISTER sip:x SIP/2.0\nVia: x\n"));
}

TEST(LooksLikeSip, RejectsHttpSsdpKeepalivesAndPings) {
  EXPECT_FALSE(looksLikeSip("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"));
  EXPECT_FALSE(looksLikeSip("GET / HTTP/1.1\r\n"));
  EXPECT_FALSE(looksLikeSip("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(looksLikeSip(std::string("\0\0\0\0\0", 5)));
  EXPECT_FALSE(looksLikeSip("jaKd\n"));
  EXPECT_FALSE(looksLikeSip("\r\n\r\n"));
  EXPECT_FALSE(looksLikeSip("\r\n"));
  EXPECT_FALSE(looksLikeSip(""));
  EXPECT_FALSE(looksLikeSip("SIP/2.0 20"));
  EXPECT_FALSE(looksLikeSip("INVITE SIP/2.0\r\n"));
}

TEST(SipMessage, BareLfAndCrlfParseTheSame) {
  for (const std::string& bytes : {kOptions, crlf(kOptions)}) {
    auto msg = SipMessage::parse(bytes);
    EXPECT_FALSE(msg.parseError()) << sipErrcName(msg.parseError()->code);
    EXPECT_TRUE(msg.isRequest());
    EXPECT_EQ(msg.method(), "OPTIONS");
    EXPECT_EQ(msg.requestUri(), "sip:bob@example.com");
    EXPECT_EQ(msg.callId(), "call-1");
    EXPECT_EQ(msg.header("Call-ID"), "call-1");
    EXPECT_EQ(msg.header("call-id"), "call-1");
    EXPECT_EQ(msg.header("I"), "call-1");
    EXPECT_EQ(msg.header("Content-Length"), "4");
    EXPECT_EQ(msg.body(), "body");
    EXPECT_EQ(msg.headerCount(), 6u);
    EXPECT_EQ(msg.headerAt(1).name, "f");
    EXPECT_EQ(msg.headerAt(1).id, HeaderId::From);
    ASSERT_TRUE(msg.to());
    EXPECT_EQ(msg.to()->uri.user, "bob");
    EXPECT_EQ(msg.messageSize(), bytes.size());
  }
}

TEST(SipMessage, ShorterContentLengthIgnoresTheRest) {
  // RFC 4475 dblreq: a second message in the same datagram is ignored.
  const std::string two = crlf(kOptions) + crlf(kOptions);
  auto msg = SipMessage::parse(two);
  EXPECT_FALSE(msg.parseError());
  EXPECT_EQ(msg.body(), "body");
  EXPECT_EQ(msg.messageSize(), crlf(kOptions).size());
  EXPECT_EQ(msg.bytes().size(), two.size());
}

TEST(SipMessage, ContentLengthMustBeAWholeNonNegativeInteger) {
  for (const char* cl : {"-1", "+4", "4x", "", "0x10", "99999999999999999999999"}) {
    const std::string bytes = crlf(std::string("BYE sip:a@b SIP/2.0\nContent-Length: ") + cl +
                                   "\n\nbody");
    auto msg = SipMessage::parse(bytes);
    ASSERT_TRUE(msg.parseError()) << cl;
    EXPECT_EQ(msg.parseError()->code, SipErrc::BadContentLength) << cl;
    EXPECT_EQ(msg.body(), "body");
  }
}

TEST(SipMessage, MissingContentLengthTakesTheRestOfTheDatagram) {
  const std::string bytes = crlf("MESSAGE sip:a@b SIP/2.0\nCall-ID: x\n\nhello");
  auto msg = SipMessage::parse(bytes);
  EXPECT_FALSE(msg.parseError());
  EXPECT_EQ(msg.body(), "hello");
  EXPECT_FALSE(msg.contentLength());
}

TEST(SipMessage, NoStartLine) {
  EXPECT_EQ(SipMessage::parse("").parseError()->code, SipErrc::NoStartLine);
  EXPECT_EQ(SipMessage::parse("\r\n\r\n").parseError()->code, SipErrc::NoStartLine);
}

TEST(SipMessage, BadStartLines) {
  EXPECT_EQ(SipMessage::parse("SIP/3.0 200 OK\r\n\r\n").parseError()->code, SipErrc::BadVersion);
  EXPECT_EQ(SipMessage::parse("SIP/2.0 2000 OK\r\n\r\n").parseError()->code,
            SipErrc::BadStatusCode);
  EXPECT_EQ(SipMessage::parse("SIP/2.0 099 X\r\n\r\n").parseError()->code,
            SipErrc::BadStatusCode);
  EXPECT_EQ(SipMessage::parse("INVITE sip:a@b HTTP/1.1\r\n\r\n").parseError()->code,
            SipErrc::BadVersion);
  EXPECT_EQ(SipMessage::parse("INV@TE sip:a@b SIP/2.0\r\n\r\n").parseError()->code,
            SipErrc::BadStartLine);
}

TEST(SipMessage, HeaderWithoutColonIsReportedAndSkipped) {
  const std::string bytes = crlf("BYE sip:a@b SIP/2.0\nNoColonHere\nCall-ID: x\n\n");
  auto msg = SipMessage::parse(bytes);
  ASSERT_TRUE(msg.parseError());
  EXPECT_EQ(msg.parseError()->code, SipErrc::HeaderWithoutColon);
  EXPECT_EQ(msg.callId(), "x");
}

TEST(SipMessage, TooManyHeaders) {
  std::string bytes = "BYE sip:a@b SIP/2.0\r\nCall-ID: first\r\n";
  for (int i = 0; i < 300; ++i) bytes += "X-H: " + std::to_string(i) + "\r\n";
  bytes += "Content-Length: 2\r\n\r\nok";
  auto msg = SipMessage::parse(bytes);
  ASSERT_TRUE(msg.parseError());
  EXPECT_EQ(msg.parseError()->code, SipErrc::TooManyHeaders);
  EXPECT_EQ(msg.headerCount(), 256u);
  EXPECT_EQ(msg.callId(), "first");
  EXPECT_EQ(msg.headerValues("X-H").size(), 255u);
  // Within the limit, the overflow vector beyond the inline slots is used.
  ParseLimits big;
  big.max_headers = 1000;
  auto all = SipMessage::parse(bytes, big);
  EXPECT_FALSE(all.parseError());
  EXPECT_EQ(all.headerCount(), 302u);
  EXPECT_EQ(all.header("Content-Length"), "2");
  EXPECT_EQ(all.headerAt(301).value, "2");
  EXPECT_EQ(all.body(), "ok");
}

TEST(SipMessage, TooLarge) {
  std::string bytes = "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: c\r\n\r\n" + std::string(2u << 20, 'x');
  auto msg = SipMessage::parse(bytes);
  ASSERT_TRUE(msg.parseError());
  EXPECT_EQ(msg.parseError()->code, SipErrc::TooLarge);
  EXPECT_EQ(msg.callId(), "c");
  EXPECT_EQ(msg.bytes().size(), bytes.size());
}

TEST(SipMessage, LazyValuesAreCached) {
  const std::string bytes = crlf(kOptions);
  auto msg = SipMessage::parse(bytes);
  const auto* first = &msg.from();
  EXPECT_EQ(first, &msg.from());
  ASSERT_TRUE(msg.from());
  EXPECT_EQ(msg.from()->tag(), "1");
  EXPECT_EQ(msg.contact().error().code, SipErrc::MissingHeader);
}

TEST(SipMessage, LeadingCrlfIsIgnored) {
  const std::string bytes = "\r\n" + crlf(kOptions);
  auto msg = SipMessage::parse(bytes);
  EXPECT_FALSE(msg.parseError());
  EXPECT_EQ(msg.method(), "OPTIONS");
}

TEST(SipMessage, ValidationAfterCachedAccessorsStillChecksEveryValue) {
  // topVia()/contact() cache the first value; parseError() must still check the rest of that
  // field and every later field (badinv01-style values after a good one).
  const std::string via_bytes = crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1, ;;,\n"
                                     "Call-ID: x\n\n");
  auto via_msg = SipMessage::parse(via_bytes);
  ASSERT_TRUE(via_msg.topVia());
  ASSERT_TRUE(via_msg.parseError());
  EXPECT_EQ(via_msg.parseError()->code, SipErrc::BadHeaderValue);
  const std::string contact_bytes =
      crlf("REGISTER sip:a@b SIP/2.0\nContact: <sip:a@h>\nCall-ID: x\nm: sip:b@h?x=y\n\n");
  auto contact_msg = SipMessage::parse(contact_bytes);
  ASSERT_TRUE(contact_msg.contact());
  EXPECT_EQ(contact_msg.contact()->uri.user, "a");
  ASSERT_TRUE(contact_msg.parseError());
  EXPECT_EQ(contact_msg.parseError()->code, SipErrc::BadHeaderValue);
}

TEST(SipMessage, HeaderNameWithControlCharacterIsNotAKnownHeader) {
  // Word-at-a-time name classification must stay exact: CR and 0x10-0x19 are not '-' or digits.
  const std::string bytes = std::string("BYE sip:a@b SIP/2.0\r\nCall\rID: x\r\nX-RTP-Stat-T\x13") +
                            "8: y\r\ni: real\r\n\r\n";
  auto msg = SipMessage::parse(bytes);
  ASSERT_TRUE(msg.parseError());
  EXPECT_EQ(msg.parseError()->code, SipErrc::HeaderWithoutColon);
  EXPECT_EQ(msg.callId(), "real");
  EXPECT_FALSE(msg.hasHeader(HeaderId::XRtpStatT38));
  EXPECT_EQ(classifyHeaderName("Call\rID"), HeaderId::Other);
  EXPECT_EQ(classifyHeaderName("cALL-id"), HeaderId::CallId);
}

TEST(SipErrc, NamesAreSnakeCase) {
  EXPECT_EQ(sipErrcName(SipErrc::BodyTruncated), "body_truncated");
  EXPECT_EQ(sipErrcName(SipErrc::NoStartLine), "no_start_line");
  EXPECT_EQ(sipErrcName(SipErrc::HeaderWithoutColon), "header_without_colon");
}

}  // namespace
}  // namespace siphon::sip
