// RFC 5118 IPv6 torture messages. The archived files use bare LF and some lack the final empty
// line (SOURCES.md); each is tested as archived and after LF->CRLF conversion in the test.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::loadFixture;
using testing::toCrlf;

struct Case {
  const char* file;
  std::optional<SipErrc> as_archived;  // bare LF
  std::optional<SipErrc> as_crlf;      // after conversion
};

// The three SDP messages carry Content-Length values that do not match their bodies in the
// archive (MANIFEST.md): ipv6-in-sdp says 268 (body 242 LF / 251 CRLF) and mult-ip-in-sdp
// 181 (180 LF / 189 CRLF), so on a datagram they are truncated where the body is shorter.
const Case kCases[] = {
    {"ipv6-good", std::nullopt, std::nullopt},
    {"port-unambiguous", std::nullopt, std::nullopt},
    {"via-received-param-with-delim", std::nullopt, std::nullopt},
    {"ipv6-in-sdp", SipErrc::BodyTruncated, SipErrc::BodyTruncated},
    {"mult-ip-in-header", std::nullopt, std::nullopt},
    {"mult-ip-in-sdp", SipErrc::BodyTruncated, std::nullopt},
    {"ipv4-mapped-ipv6", std::nullopt, std::nullopt},
    {"ipv6-correct-abnf-2-colons", SipErrc::UnterminatedHeaders, std::nullopt},
};

std::string describe(const std::optional<SipError>& e) {
  return e ? std::string(sipErrcName(e->code)) + " (" + std::string(e->detail) + ")" : "ok";
}

TEST(Rfc5118, OutcomesAsArchivedAndAsCrlf) {
  EXPECT_EQ(testing::fixturesIn("rfc5118").size(), std::size(kCases));
  for (const auto& c : kCases) {
    const std::string lf = loadFixture(std::string("rfc5118/") + c.file);
    ASSERT_FALSE(lf.empty()) << c.file;
    const std::string crlf = toCrlf(lf);
    for (int variant = 0; variant < 2; ++variant) {
      const std::string& bytes = variant == 0 ? lf : crlf;
      const auto& want = variant == 0 ? c.as_archived : c.as_crlf;
      auto msg = SipMessage::parse(bytes);
      auto err = msg.parseError();
      const std::string got = err ? std::string(sipErrcName(err->code)) : "ok";
      const std::string expected = want ? std::string(sipErrcName(*want)) : "ok";
      EXPECT_EQ(got, expected) << c.file << (variant == 0 ? " (LF)" : " (CRLF)") << ": "
                               << describe(err);
      // Every one of them yields its IPv6 fields, whatever the verdict.
      SipCaptureFields f;
      extractCaptureFields(msg, FieldOptions{}, f);
      EXPECT_FALSE(f.callid.empty()) << c.file;
      EXPECT_FALSE(f.via_1_branch.empty()) << c.file;
    }
  }
}

SipCaptureFields fieldsOf(const std::string& bytes, SipMessage& msg) {
  msg = SipMessage::parse(bytes);
  SipCaptureFields f;
  extractCaptureFields(msg, FieldOptions{}, f);
  return f;
}

TEST(Rfc5118, Ipv6Good) {
  const std::string variants[] = {loadFixture("rfc5118/ipv6-good"),
                                  toCrlf(loadFixture("rfc5118/ipv6-good"))};
  for (const auto& bytes : variants) {
    SipMessage msg;
    auto f = fieldsOf(bytes, msg);
    EXPECT_EQ(f.method, "REGISTER");
    EXPECT_EQ(f.ruri, "sip:[2001:db8::10]");
    EXPECT_EQ(f.ruri_user, "");
    EXPECT_EQ(f.ruri_domain, "[2001:db8::10]");
    EXPECT_EQ(f.contact_user, "caller");
    EXPECT_EQ(f.contact_ip, "2001:db8::1");
    EXPECT_EQ(f.via_1_branch, "z9hG4bKas3-111");
    EXPECT_EQ(f.callid, "SSG9559905523997077@hlau_4100");
    EXPECT_EQ(f.from_tag, "81x2");
    ASSERT_TRUE(msg.topVia());
    EXPECT_EQ(msg.topVia()->host, "2001:db8::9:1");
    EXPECT_TRUE(msg.topVia()->host_is_ipv6);
  }
}

TEST(Rfc5118, PortUnambiguous) {
  SipMessage msg;
  const std::string bytes = loadFixture("rfc5118/port-unambiguous");
  auto f = fieldsOf(bytes, msg);
  ASSERT_TRUE(msg.requestUriParsed());
  EXPECT_EQ(msg.requestUriParsed()->host, "2001:db8::10");
  EXPECT_EQ(msg.requestUriParsed()->port, 5070);
  EXPECT_EQ(f.ruri_domain, "[2001:db8::10]");
}

TEST(Rfc5118, ViaReceivedWithBrackets) {
  SipMessage msg;
  const std::string bytes = loadFixture("rfc5118/via-received-param-with-delim");
  auto f = fieldsOf(bytes, msg);
  ASSERT_TRUE(msg.topVia());
  EXPECT_EQ(msg.topVia()->received, "[2001:db8::9:255]");
  EXPECT_EQ(msg.topVia()->branch, "z9hG4bKas3-111");
  EXPECT_EQ(f.to_tag, "bd76ya");
}

TEST(Rfc5118, MultipleAddressesInVia) {
  SipMessage msg;
  const std::string bytes = loadFixture("rfc5118/mult-ip-in-header");
  auto f = fieldsOf(bytes, msg);
  EXPECT_EQ(f.via_1, "SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111");
  ASSERT_TRUE(msg.topVia());
  EXPECT_EQ(msg.topVia()->port, 6050);
  const auto vias = msg.headerValues("Via");
  ASSERT_EQ(vias.size(), 3u);
  auto v3 = parseVia(vias[2]);
  ASSERT_TRUE(v3);
  EXPECT_EQ(v3->host, "2001:db8::9:255");
  EXPECT_EQ(v3->received, "192.0.2.200");
  EXPECT_EQ(f.cseq, "89187 BYE");
}

TEST(Rfc5118, Ipv4MappedAndTwoColons) {
  SipMessage msg;
  const std::string bytes = loadFixture("rfc5118/ipv4-mapped-ipv6");
  auto f = fieldsOf(bytes, msg);
  EXPECT_EQ(f.contact_ip, "::ffff:192.0.2.2");
  ASSERT_TRUE(msg.topVia());
  EXPECT_EQ(msg.topVia()->host, "::ffff:192.0.2.10");
  EXPECT_EQ(msg.topVia()->port, 19823);
  SipMessage msg2;
  const std::string crlf = toCrlf(loadFixture("rfc5118/ipv6-correct-abnf-2-colons"));
  auto f2 = fieldsOf(crlf, msg2);
  EXPECT_FALSE(msg2.parseError());
  EXPECT_EQ(f2.ruri_domain, "[2001:db8::192.0.2.1]");
  EXPECT_EQ(f2.to_domain, "[2001:db8::192.0.2.1]");
}

}  // namespace
}  // namespace siphon::sip
