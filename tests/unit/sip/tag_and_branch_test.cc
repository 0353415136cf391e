// quickTag and quickTopBranch (sip/tag_and_branch.h): the general route's answer
// (tagParam(splitNameAddr(v).params), viaBranch(firstListValue(v))) or none; and
// tagParamIn() (sip/field_views.h), tagParam()'s answer.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sip/field_views.h"
#include "sip/header_values.h"
#include "sip/sip_message.h"
#include "sip/tag_and_branch.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

std::string_view generalTag(std::string_view v) {
  const NameAddrView na = splitNameAddr(v);
  return na.found ? tagParam(na.params) : std::string_view{};
}

std::string_view generalBranch(std::string_view v) { return viaBranch(firstListValue(v)); }

// Both routes on `v`; true when the quick one answered (then equal, or the test fails).
// tagParamIn() is held to tagParam() on the way.
bool tagAgrees(std::string_view v) {
  if (const NameAddrView na = splitNameAddr(v); na.found) {
    EXPECT_EQ(tagParamIn(v, na.params), tagParam(na.params)) << "From/To value: " << v;
  }
  const auto quick = quickTag(v);
  if (quick) {
    EXPECT_EQ(*quick, generalTag(v)) << "From/To value: " << v;
  }
  return quick.has_value();
}
bool branchAgrees(std::string_view v) {
  const auto quick = quickTopBranch(v);
  if (quick) {
    EXPECT_EQ(*quick, generalBranch(v)) << "Via value: " << v;
  }
  return quick.has_value();
}

TEST(TagAndBranch, TheCommonShapesAreAnswered) {
  EXPECT_EQ(quickTag("\"Alice\" <sip:alice@example.com>;tag=9fxced76sl"), "9fxced76sl");
  EXPECT_EQ(quickTag("<sip:bob@example.com>"), "");
  EXPECT_EQ(quickTag("<sip:bob@example.com;tag=inside>;x=1;TAG=second"), "second");
  EXPECT_EQ(quickTag("Bob <sip:bob@example.com> ;tag=a1"), "a1");
  EXPECT_EQ(quickTag("\"\" <tel:+4930555>;tag=t"), "t");
  EXPECT_EQ(quickTag("<sip:x@y>garbage"), "") << "text after the URI: not a name-addr";
  EXPECT_EQ(quickTag("sip:alice@example.com;tag=1;x"), "1") << "an addr-spec";
  EXPECT_EQ(quickTag("sip:alice@example.com ;tag=2"), "2");
  EXPECT_EQ(quickTag("sip:alice@example.com x;tag=2"), "") << "not a name-addr";
  EXPECT_EQ(quickTag("*"), "");
  EXPECT_EQ(quickTag("<sip:a@b;tag=1"), "") << "no '>': not a name-addr";
  // Long values: every byte is searched, not a window.
  EXPECT_EQ(quickTag(std::string(70, 'x') + "<sip:a@b>;tag=1"), "1");
  EXPECT_EQ(quickTag("<sip:" + std::string(70, 'x') + "@b>;tag=2"), "2");
  EXPECT_EQ(quickTag("sip:" + std::string(70, 'x') + "@b;tag=3"), "3");
  EXPECT_EQ(quickTag("\"" + std::string(70, 'x') + "\" <sip:a@b>;tag=4"), "4");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK-1"), "z9hG4bK-1");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP h;received=192.0.2.1;rport=5060;BRANCH=z9;x"), "z9");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP h;branch=z9hG4bK-1;rport, SIP/2.0/TCP g;branch=2"),
            "z9hG4bK-1");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP h"), "");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP h;rport;received=[2001:db8::1]"), "");
  EXPECT_EQ(quickTopBranch("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKv6"), "z9hG4bKv6");
}

TEST(TagAndBranch, OtherShapesAreLeftToTheGeneralRoute) {
  for (const char* v : {
           "",
           " <sip:a@b>;tag=1",                 // LWS the general route trims
           "\"A \\\"B\\\"\" <sip:a@b>;tag=1",  // an escape in the display name
           "\"Alice\" sip:a@b;tag=1",          // a quoted name without '<'
           "\"unterminated <sip:a@b>;tag=1",   // no closing quote
       }) {
    EXPECT_FALSE(quickTag(v).has_value()) << v;
  }
  for (const char* v : {
           "SIP/2.0/UDP h ; branch=z9",               // LWS before the parameters
           "SIP/2.0/UDP h;rport ;branch=z9",          // LWS around ';'
           "SIP/2.0/UDP h;rport= 1;branch=z9",        // LWS after '='
           "SIP/2.0/UDP h;x=\"a;b\";branch=z9",       // a quoted value
           "SIP/2.0/UDP h;;branch=z9",                // an empty parameter
           "SIP/2.0/UDP h;x=;branch=z9",              // an empty value
           "SIP/2.0/UDP h;branch;branch=z9",          // a branch without a value
           "SIP/2.0/UDP h;branch=",                   // the same at the end
           "SIP/2.0/UDP h;branch=\"q\"",              // a quoted branch
           "SIP/2.0/UDP h, SIP/2.0/UDP g;branch=z9",  // a ',' before the first ';'
           "SIP/2.0/UDP \"h\";branch=z9",             // a '"' before it
           "SIP/2.0/UDP h;x=1,y;branch=z9",           // a ',' among the parameters
       }) {
    EXPECT_FALSE(quickTopBranch(v).has_value()) << v;
  }
}

// Every From, To and Via value of the torture, real-world and fuzz-corpus messages.
TEST(TagAndBranch, EqualTheGeneralRouteOnEveryValueAtHand) {
  size_t tags = 0, tags_answered = 0, branches = 0, branches_answered = 0;
  for (const std::string& bytes : testing::everyMessageAtHand()) {
    const auto msg = SipMessage::parse(bytes);
    for (size_t i = 0; i < msg.headerCount(); ++i) {
      const HeaderField h = msg.headerAt(i);
      if (h.id == HeaderId::From || h.id == HeaderId::To) {
        ++tags;
        tags_answered += tagAgrees(h.value);
      } else if (h.id == HeaderId::Via) {
        ++branches;
        branches_answered += branchAgrees(h.value);
      }
    }
  }
  EXPECT_GT(tags, 150u);
  EXPECT_GT(branches, 150u);
  // Most real values have the common shape.
  EXPECT_GT(tags_answered * 10, tags * 8) << tags_answered << " of " << tags;
  EXPECT_GT(branches_answered * 10, branches * 7) << branches_answered << " of " << branches;
}

// Every prefix of some values, and every byte of them replaced by each byte the two routes
// turn on: the answers agree, and (under AddressSanitizer) nothing is read outside the value,
// which is copied to a heap block of its own size.
TEST(TagAndBranch, EqualTheGeneralRouteOnEveryPrefixAndOneByteChange) {
  const std::vector<std::string> bases = {
      "\"Alice Longname\" <sip:alice@example.com;transport=udp>;tag=9fxced76sl;x=y",
      "<sip:+4930555123@sip.example.net;user=phone>;tag=as6b7c1d2e",
      "Bob <sip:bob@h> ;tag=1",
      "SIP/2.0/UDP 192.0.2.10:5060;rport=5060;received=192.0.2.10;branch=z9hG4bK-5242;x",
      "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK.abc;rport, SIP/2.0/UDP h;branch=b2",
  };
  const std::string specials = "\"\\<>;,= \t\r\nbBtT";
  size_t answered = 0;
  const auto both = [&](const std::string& text) {
    // A heap block of exactly the value's size (a std::string may keep it in a larger one).
    const std::vector<char> copy(text.begin(), text.end());
    const std::string_view v(copy.data(), copy.size());
    answered += tagAgrees(v);
    answered += branchAgrees(v);
  };
  for (const std::string& base : bases) {
    for (size_t len = 0; len <= base.size(); ++len) both(base.substr(0, len));
    for (size_t i = 0; i < base.size(); ++i) {
      for (const char c : specials) {
        std::string v = base;
        v[i] = c;
        both(v);
      }
    }
  }
  EXPECT_GT(answered, 1000u);
}

}  // namespace
}  // namespace siphon::sip
