#include "sip/header_names.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(HeaderNames, CompactFormsRfc3261Table) {
  const std::pair<char, HeaderId> table[] = {
      {'i', HeaderId::CallId},        {'m', HeaderId::Contact},     {'e', HeaderId::ContentEncoding},
      {'l', HeaderId::ContentLength}, {'c', HeaderId::ContentType}, {'f', HeaderId::From},
      {'s', HeaderId::Subject},       {'k', HeaderId::Supported},   {'t', HeaderId::To},
      {'v', HeaderId::Via},           {'o', HeaderId::Event},       {'r', HeaderId::ReferTo},
      {'u', HeaderId::AllowEvents},   {'x', HeaderId::SessionExpires}, {'y', HeaderId::Identity},
      {'b', HeaderId::ReferredBy},    {'d', HeaderId::RequestDisposition},
      {'j', HeaderId::RejectContact}, {'a', HeaderId::AcceptContact}, {'n', HeaderId::IdentityInfo},
  };
  for (auto [c, id] : table) {
    EXPECT_EQ(classifyHeaderName(std::string(1, c)), id) << c;
    const char upper[2] = {static_cast<char>(c - 'a' + 'A'), 0};
    EXPECT_EQ(classifyHeaderName(upper), id) << c;
    EXPECT_EQ(compactHeaderForm(id), c);
  }
  EXPECT_EQ(classifyHeaderName("z"), HeaderId::Other);
  EXPECT_EQ(classifyHeaderName("1"), HeaderId::Other);
}

TEST(HeaderNames, LongNamesAnyCase) {
  EXPECT_EQ(classifyHeaderName("cAlL-iD"), HeaderId::CallId);
  EXPECT_EQ(classifyHeaderName("MaX-fOrWaRdS"), HeaderId::MaxForwards);
  EXPECT_EQ(classifyHeaderName("CSEQ"), HeaderId::CSeq);
  EXPECT_EQ(classifyHeaderName("x-siemens-rtp-STATS"), HeaderId::XSiemensRtpStats);
  EXPECT_EQ(classifyHeaderName("X-CID"), HeaderId::Other);
  EXPECT_EQ(classifyHeaderName("Call-IDs"), HeaderId::Other);
  EXPECT_EQ(classifyHeaderName(""), HeaderId::Other);
  for (size_t i = 1; i < kHeaderIdCount; ++i) {
    const auto id = static_cast<HeaderId>(i);
    EXPECT_EQ(classifyHeaderName(canonicalHeaderName(id)), id) << canonicalHeaderName(id);
  }
}

TEST(HeaderNames, Matching) {
  EXPECT_TRUE(headerNameMatches("v", "Via"));
  EXPECT_TRUE(headerNameMatches("VIA", "v"));
  EXPECT_TRUE(headerNameMatches("x-cid", "X-CID"));
  EXPECT_FALSE(headerNameMatches("v", "t"));
  EXPECT_FALSE(headerNameMatches("z", "Zz"));
}

TEST(HeaderNames, ListHeaders) {
  EXPECT_TRUE(isCommaListHeader(HeaderId::Via));
  EXPECT_TRUE(isCommaListHeader(HeaderId::Contact));
  EXPECT_FALSE(isCommaListHeader(HeaderId::Date));
  EXPECT_FALSE(isCommaListHeader(HeaderId::Authorization));
  EXPECT_FALSE(isCommaListHeader(HeaderId::WwwAuthenticate));
  EXPECT_FALSE(isCommaListHeader(HeaderId::Other));
}

}  // namespace
}  // namespace siphon::sip
