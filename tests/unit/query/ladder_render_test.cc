// The terminal and SVG/HTML drawings of a ladder: small golden strings, escaping, bounds.

#include <gtest/gtest.h>

#include "query/ladder.h"
#include "query/ladder_svg.h"
#include "query/ladder_text.h"
#include "query_fixture.h"

namespace siphon::query {
namespace {

using testing::Msg;
using testing::sipText;

constexpr int64_t kT0 = 1'700'000'000'000'000;

struct Fixture {
  std::vector<core::Capture> captures;
  CallResult call;
  explicit Fixture(const std::vector<Msg>& msgs) {
    for (const auto& m : msgs) captures.push_back(testing::toCapture(m));
    call.legs = {"a@x"};
    for (auto& c : captures) {
      CallMessage cm;
      cm.meta = c.meta;
      record::parseSip(cm.meta, {}, cm.sip);  // as assembleCall does, once
      cm.node = std::string(c.meta.node_name);
      call.messages.push_back(std::move(cm));
    }
  }
};

std::vector<Msg> inviteOk(const std::string& reason = "OK") {
  std::vector<Msg> v(2);
  v[0].payload = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE");
  v[0].ts_us = kT0;
  v[1].payload = sipText("200 " + reason, "a@x", "z9hG4bK1", "1 INVITE");
  v[1].src = "10.0.0.2";
  v[1].dst = "10.0.0.1";
  v[1].ts_us = kT0 + 1500;
  return v;
}

TEST(LadderText, GoldenTwoHosts) {
  Fixture f(inviteOk());
  auto l = buildLadder(f.call);
  TextLadderOptions o;
  o.width = 80;
  std::string expected =
      "Call-ID: a@x\n"
      "2 message(s), 2 arrow(s), 1 leg(s), 1 transaction(s)\n"
      "                              10.0.0.1:5060     10.0.0.2:5060\n"
      "                                    |                 |\n"
      "                                    |     INVITE      |\n"
      "22:13:20.000000 +0.000000           |---------------->|  1 INVITE\n"
      "                                    |     200 OK      |\n"
      "22:13:20.001500 +0.001500           |<----------------|  1 INVITE\n";
  EXPECT_EQ(renderLadderText(l, f.call, o), expected);
}

TEST(LadderText, WidthBoundedAndSafe) {
  std::vector<Msg> v;
  for (int i = 0; i < 12; ++i) {
    Msg m;
    m.payload = sipText("OPTIONS", "a@x", "z9hG4bK" + std::to_string(i), "1 OPTIONS");
    m.dst = "10.0.1." + std::to_string(i);
    m.ts_us = kT0 + i;
    v.push_back(m);
  }
  v.push_back(inviteOk("OK\x1b[31m")[1]);  // a reason phrase trying to colour the terminal
  Fixture f(v);
  auto l = buildLadder(f.call);
  TextLadderOptions o;
  o.width = 100;
  std::string out = renderLadderText(l, f.call, o);
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    EXPECT_LE(end - start, 100u) << out.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  o.box = true;
  out = renderLadderText(l, f.call, o);
  EXPECT_NE(out.find("\u2502"), std::string::npos);
}

TEST(LadderText, RetransmissionsShown) {
  auto v = inviteOk();
  Msg again = v[0];
  again.ts_us = kT0 + 500'000;
  v.push_back(again);
  Fixture f(v);
  auto l = buildLadder(f.call);
  std::string out = renderLadderText(l, f.call);
  EXPECT_NE(out.find("INVITE [retrans]"), std::string::npos);
  EXPECT_NE(out.find("|....."), std::string::npos) << out;
  EXPECT_NE(out.find(".....>|"), std::string::npos) << out;
}

TEST(LadderSvg, ArrowsAreClickableElementsAndTextIsEscaped) {
  Fixture f(inviteOk("OK <script>&\""));
  auto l = buildLadder(f.call);
  std::string svg = renderLadderSvg(l, f.call);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("<g class=\"arrow leg0 request\" id=\"arrow-0\" data-index=\"0\" data-message=\"0\""),
            std::string::npos);
  EXPECT_NE(svg.find("id=\"arrow-1\" data-index=\"1\" data-message=\"1\""), std::string::npos);
  EXPECT_NE(svg.find("200 OK &lt;script&gt;&amp;&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find(">10.0.0.1:5060</text>"), std::string::npos);

  std::string html = renderLadderHtml(l, f.call);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<pre class=\"msg\" id=\"msg-1\" data-index=\"1\" hidden>"), std::string::npos);
  EXPECT_NE(html.find("SIP/2.0 200 OK &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>&"), std::string::npos);
  EXPECT_EQ(html.find("http://", html.find("</svg>")), std::string::npos);  // no external resources
}

TEST(LadderSvg, EscapingOfBytesThatAreNotText) {
  EXPECT_EQ(xmlEscape("a<b>&'\""), "a&lt;b&gt;&amp;&#39;&quot;");
  EXPECT_EQ(xmlEscape(std::string("x\0y", 3)), "x\xef\xbf\xbdy");
  EXPECT_EQ(xmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");   // valid UTF-8 kept
  EXPECT_EQ(xmlEscape("caf\xe9"), "caf&#xE9;");         // Latin-1 byte as a reference
  EXPECT_EQ(xmlEscape("l1\r\nl2\t"), "l1\r\nl2\t");
}

TEST(LadderSvg, SdpBodyMarkedInHtml) {
  std::vector<Msg> v(1);
  v[0].payload = sipText("INVITE", "a@x", "z9hG4bK1", "1 INVITE", "", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n");
  Fixture f(v);
  auto l = buildLadder(f.call);
  std::string html = renderLadderHtml(l, f.call);
  EXPECT_NE(html.find("<span class=\"sdp\">v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n</span>"), std::string::npos);
  EXPECT_NE(renderLadderSvg(l, f.call).find("INVITE (SDP)"), std::string::npos);
}

}  // namespace
}  // namespace siphon::query
