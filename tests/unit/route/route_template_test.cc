// Pseudo-variables in rule values: $hep(ID), $hep_net(NAME), $HEPVERSION, $sip(FIELD), $$;
// unknown names are start-up errors; missing values expand to nothing.

#include "route/route_template.h"

#include <gtest/gtest.h>

#include "process/sip_parse.h"
#include "support/records.h"

namespace siphon::route {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: tpl-1@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

TEST(Template, ExpandsEveryKindOfPart) {
  support::CaptureSpec spec;
  spec.correlation = "corr-9";
  record::Record r(support::makeCapture(kInvite, spec));
  r.peer_ip = *core::IpAddress::parse("192.0.2.7");
  r.peer_port = 40000;
  r.source = 1;
  process::SipParseProcessor parse({});
  (void)parse.process(r);
  const std::vector<core::Endpoint> listeners = {*core::Endpoint::parse("udp:0.0.0.0:9060"),
                                                 *core::Endpoint::parse("tcp:127.0.0.1:9061")};
  const RouteContext ctx{&r, &listeners};
  auto t = Template::parse(
      "v$HEPVERSION/$hep(0x0011)/$hep(captagent_id)/$hep_net(src_ip):$hep_net(src_port)"
      "->$hep_net(proto_id):$hep_net(dst_ip):$hep_net(dst_port)/$sip(from_user)/"
      "$sip(method)/$sip(call_id)/$hep(vlan_id)/$$");
  ASSERT_TRUE(t.has_value()) << t.error();
  EXPECT_TRUE(t->usesSip());
  EXPECT_FALSE(t->isLiteral());
  EXPECT_EQ(t->expand(ctx),
            "v3/corr-9/7/192.0.2.7:40000->tcp:127.0.0.1:9061/alice/INVITE/tpl-1@example.com//$");
  EXPECT_EQ(hepNet(ctx, "proto_family"), "AF_INET");
}

TEST(Template, LiteralsAndErrors) {
  auto lit = Template::parse("plain text");
  ASSERT_TRUE(lit.has_value());
  EXPECT_TRUE(lit->isLiteral());
  EXPECT_EQ(lit->literal(), "plain text");
  EXPECT_FALSE(lit->usesSip());
  for (const char* bad : {"$foo", "$hep(no_such)", "$hep_net(src_mac)", "$sip(nothing)",
                          "$hep(0x0011", "$unknown(x)"}) {
    EXPECT_FALSE(Template::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace siphon::route
