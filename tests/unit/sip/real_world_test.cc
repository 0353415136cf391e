// Real captured messages (UDP payloads extracted from the pcaps named in SOURCES.md).

#include <gtest/gtest.h>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::loadFixture;

TEST(RealWorld, CompactFormAndBackslashQuotedDisplayName) {
  const std::string bytes = loadFixture("real-world/sip_compact_form.sip");
  auto msg = SipMessage::parse(bytes);
  EXPECT_FALSE(msg.parseError());
  SipCaptureFields f;
  extractCaptureFields(msg, FieldOptions{}, f);
  EXPECT_EQ(f.method, "INVITE");
  EXPECT_EQ(f.ruri_user, "97239287044");
  EXPECT_EQ(f.ruri_domain, "voip.brujula.net");
  EXPECT_EQ(f.from_user, "816666");
  EXPECT_EQ(f.from_domain, "voip.brurjula.net");
  EXPECT_EQ(f.from_tag, "6433ef9");
  EXPECT_EQ(f.to_user, "97239287044");
  EXPECT_EQ(f.to_tag, "");
  EXPECT_EQ(f.callid, "105090259-446faf7a@192.168.1.2");
  EXPECT_EQ(f.via_1_branch, "z9hG4bKnp104984053-44ce4a41192.168.1.2");
  EXPECT_EQ(f.cseq, "1 INVITE");
  EXPECT_EQ(f.content_type, "application/sdp");
  EXPECT_EQ(f.user_agent, "Nero SIPPS IP Phone Version 2.0.51.16");
  EXPECT_EQ(f.contact_user, "816666");
  EXPECT_EQ(f.contact_ip, "192.168.1.2");
  ASSERT_TRUE(msg.from());
  EXPECT_EQ(msg.from()->display_name, R"(\"arik\")");  // tolerated, kept raw
  ASSERT_TRUE(msg.topVia());
  EXPECT_TRUE(msg.topVia()->has_rport);
  EXPECT_EQ(msg.topVia()->port, 5060);
  ASSERT_TRUE(msg.contentLength());
  EXPECT_EQ(*msg.contentLength(), 272u);
  EXPECT_EQ(msg.body().size(), 272u);
  EXPECT_EQ(msg.body().substr(0, 5), "v=0\r\n");
}

TEST(RealWorld, RepeatedAndCommaJoinedHeaders) {
  const std::string bytes = loadFixture("real-world/sip_header_multi_val.sip");
  auto msg = SipMessage::parse(bytes);
  EXPECT_FALSE(msg.parseError());
  SipCaptureFields f;
  extractCaptureFields(msg, FieldOptions{}, f);
  EXPECT_EQ(f.to_user, "97239287044");  // "t:" comes before "To:": the first one wins
  EXPECT_EQ(msg.headerFieldCount("To"), 2u);
  const auto tos = msg.headerValues("t");
  ASSERT_EQ(tos.size(), 2u);
  EXPECT_EQ(tos[1], "<sip:12345@voip.brujula.net>");
  const auto allow = msg.headerValues("Allow");
  ASSERT_EQ(allow.size(), 8u);
  EXPECT_EQ(allow[0], "INVITE");
  EXPECT_EQ(allow[7], "INFO");
  EXPECT_EQ(f.callid, "105090259-446faf7a@192.168.1.2");
}

}  // namespace
}  // namespace siphon::sip
