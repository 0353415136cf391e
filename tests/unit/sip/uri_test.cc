#include "sip/uri.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(Uri, SipFull) {
  auto u = parseUri("sips:alice:secret@example.com:5061;transport=tls;lr?Subject=hi&X=y");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, UriScheme::Sips);
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 5061);
  EXPECT_EQ(u->params, ";transport=tls;lr");
  EXPECT_EQ(u->headers, "Subject=hi&X=y");
}

TEST(Uri, Ipv6References) {
  auto u = parseUri("sip:[2001:db8::1]:5060");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "2001:db8::1");
  EXPECT_EQ(u->host_text, "[2001:db8::1]");
  EXPECT_TRUE(u->host_is_ipv6);
  EXPECT_EQ(u->port, 5060);
  auto m = parseUri("sip:user@[::ffff:192.0.2.2];maddr=x");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->host, "::ffff:192.0.2.2");
  EXPECT_EQ(m->user, "user");
  EXPECT_EQ(parseUri("sip:[2001:db8::1").error().code, SipErrc::BadUri);
}

TEST(Uri, TelAndOtherSchemes) {
  auto t = parseUri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scheme, UriScheme::Tel);
  EXPECT_EQ(t->user, "+1-201-555-0123");
  EXPECT_EQ(t->host, "");
  EXPECT_EQ(t->params, ";phone-context=example.com");
  auto o = parseUri("urn:service:sos");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, UriScheme::Other);
  EXPECT_EQ(o->opaque, "service:sos");
}

TEST(Uri, Rejections) {
  EXPECT_FALSE(parseUri(""));
  EXPECT_FALSE(parseUri("nocolon"));
  EXPECT_FALSE(parseUri("sip:"));
  EXPECT_FALSE(parseUri("sip:@host"));
  EXPECT_FALSE(parseUri("sip:a@host:99999"));
  EXPECT_FALSE(parseUri("sip:a@host:-1"));
  EXPECT_FALSE(parseUri("sip:a b@host"));
  EXPECT_FALSE(parseUri("sip:a@ho st"));
  EXPECT_FALSE(parseUri("1sip:a@b"));
}

}  // namespace
}  // namespace siphon::sip
