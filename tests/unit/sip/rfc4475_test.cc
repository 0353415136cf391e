// RFC 4475 torture messages (tests/data/sip/rfc4475, copied byte-for-byte; see SOURCES.md).
// VALID and SEMANTIC messages must parse; INVALID ones are rejected with a specific reason or,
// where a capture parser should be tolerant, accepted with the odd value kept raw.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::loadFixture;

struct Loaded {
  std::string bytes;
  SipMessage msg;
  SipCaptureFields f;
};

// Holds the bytes so the message's views stay valid.
std::unique_ptr<Loaded> load(const std::string& name) {
  auto l = std::make_unique<Loaded>();
  l->bytes = loadFixture("rfc4475/" + name + ".dat");
  EXPECT_FALSE(l->bytes.empty()) << name;
  l->msg = SipMessage::parse(l->bytes);
  extractCaptureFields(l->msg, FieldOptions{}, l->f);
  return l;
}

// nullopt = must parse (parseError() empty).
const std::map<std::string, std::optional<SipErrc>>& expectedOutcomes() {
  static const std::map<std::string, std::optional<SipErrc>> k = {
      // VALID (RFC 4475 §3.1.1)
      {"wsinv", std::nullopt},
      {"intmeth", std::nullopt},
      {"esc01", std::nullopt},
      {"esc02", std::nullopt},
      {"lwsdisp", std::nullopt},
      {"longreq", std::nullopt},
      {"semiuri", std::nullopt},
      {"transports", std::nullopt},
      {"noreason", std::nullopt},
      // INVALID (§3.1.2), rejected
      {"badinv01", SipErrc::BadHeaderValue},    // Via ";;,;,,"
      {"clerr", SipErrc::BodyTruncated},        // Content-Length 9999 on a datagram
      {"scalar02", SipErrc::BadHeaderValue},    // CSeq number over 32 bits
      {"quotbal", SipErrc::BadHeaderValue},     // unterminated quoted display name in To
      {"lwsruri", SipErrc::BadStartLine},       // "sip:user@example.com; lr"
      {"lwsstart", SipErrc::BadStartLine},      // two SPs between elements
      {"regbadct", SipErrc::BadHeaderValue},    // addr-spec with '?' outside <>
      {"badaspec", SipErrc::BadHeaderValue},    // "< sip:... >"
      {"baddn", SipErrc::UnterminatedHeaders},  // archived without the empty line (see below)
      // INVALID, accepted by a tolerant capture parser, value kept raw
      {"escruri", std::nullopt},     // escaped headers in the R-URI: kept in ruri
      {"baddate", std::nullopt},     // Date is never parsed
      {"mismatch01", std::nullopt},  // CSeq method vs request method is a transaction check
      {"mismatch02", std::nullopt},
      // SEMANTIC (§3.3): parse
      {"unkscm", std::nullopt},
      {"novelsc", std::nullopt},
      {"unksm2", std::nullopt},
      {"bext01", std::nullopt},
      {"invut", std::nullopt},
      {"regaut01", std::nullopt},
      {"multi01", std::nullopt},
      {"cparam01", std::nullopt},
      {"cparam02", std::nullopt},
      {"regescrt", std::nullopt},
      {"sdp01", std::nullopt},
      // In the archive only: request line without version, header line without colon.
      {"test", SipErrc::BadStartLine},
  };
  return k;
}

TEST(Rfc4475, EveryArchivedMessageHasAnExpectedOutcome) {
  const auto files = testing::fixturesIn("rfc4475");
  EXPECT_EQ(files.size(), expectedOutcomes().size());
  for (const auto& rel : files) {
    const std::string name = rel.substr(rel.find('/') + 1, rel.size() - rel.find('/') - 5);
    const auto it = expectedOutcomes().find(name);
    ASSERT_NE(it, expectedOutcomes().end()) << name;
    auto l = load(name);
    const auto err = l->msg.parseError();
    if (it->second) {
      ASSERT_TRUE(err.has_value()) << name << " should be rejected";
      EXPECT_EQ(sipErrcName(err->code), sipErrcName(*it->second)) << name << ": " << err->detail;
    } else {
      EXPECT_FALSE(err.has_value()) << name << ": " << sipErrcName(err->code) << " "
                                    << err->detail;
    }
    // The raw bytes are always kept.
    EXPECT_EQ(l->msg.bytes(), l->bytes) << name;
  }
}

TEST(Rfc4475, WsinvFoldingAndOddWhitespace) {
  auto l = load("wsinv");
  const auto& f = l->f;
  EXPECT_EQ(f.type, 1);
  EXPECT_EQ(f.method, "INVITE");
  EXPECT_EQ(f.ruri, "sip:vivekg@chair-dnrc.example.com;unknownparam");
  EXPECT_EQ(f.ruri_user, "vivekg");
  EXPECT_EQ(f.ruri_domain, "chair-dnrc.example.com");
  EXPECT_EQ(f.callid, "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(f.from_user, "jdrosen");
  EXPECT_EQ(f.from_tag, "98asjd8");
  EXPECT_EQ(f.to_user, "vivekg");
  EXPECT_EQ(f.to_tag, "1918181833n");
  EXPECT_EQ(f.via_1_branch, "390skdjuw");
  EXPECT_EQ(f.cseq, "0009\r\n  INVITE");  // raw, folding kept
  EXPECT_EQ(f.contact_user, "jdrosen");
  EXPECT_EQ(f.content_type, "application/sdp");
  ASSERT_TRUE(l->msg.cseq());
  EXPECT_EQ(l->msg.cseq()->number, 9u);
  EXPECT_EQ(l->msg.cseq()->method, "INVITE");
  ASSERT_TRUE(l->msg.from());
  EXPECT_EQ(l->msg.from()->display_name, R"(J Rosenberg \\\")");
  ASSERT_TRUE(l->msg.topVia());
  EXPECT_EQ(l->msg.topVia()->transport, "UDP");
  EXPECT_EQ(l->msg.topVia()->host, "192.0.2.2");
  EXPECT_EQ(l->msg.body().size(), 150u);
  EXPECT_EQ(l->msg.header("Max-Forwards"), "0068");
  EXPECT_EQ(l->msg.header("subject"), "");
  EXPECT_TRUE(l->msg.hasHeader("Subject"));
  EXPECT_EQ(l->msg.header("NewFangledHeader"), "newfangled value\r\n continued newfangled value");
  // Two Via fields: "Via" with one value, then compact "v" with two.
  const auto vias = l->msg.headerValues("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[1], "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8");
  auto v2 = parseVia(vias[2]);
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->branch, "z9hG4bK30239");
  EXPECT_EQ(v2->host, "192.168.255.111");
}

TEST(Rfc4475, IntmethUnusualCharacters) {
  auto l = load("intmeth");
  const auto& f = l->f;
  EXPECT_EQ(f.method, "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(f.ruri_user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(f.ruri_domain, "example.com");
  EXPECT_EQ(f.to_user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(f.from_user, "mundane");
  EXPECT_EQ(f.from_tag, "_token~1'+`*%!-.");
  EXPECT_EQ(f.callid, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(f.via_1_branch, "z9hG4bK-.!%66*_+`'~");
  EXPECT_EQ(f.cseq, "139122385 !interesting-Method0123456789_*+`.%indeed'~");
  ASSERT_TRUE(l->msg.requestUriParsed());
  EXPECT_EQ(l->msg.requestUriParsed()->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  ASSERT_TRUE(l->msg.from());
  EXPECT_EQ(l->msg.from()->display_name, "token1~` token2'+_ token3*%!.-");
}

TEST(Rfc4475, Esc01EscapesKeptAsWritten) {
  auto l = load("esc01");
  const auto& f = l->f;
  EXPECT_EQ(f.ruri_user, "sips%3Auser%40example.com");
  EXPECT_EQ(f.ruri_domain, "example.net");
  EXPECT_EQ(f.to_user, "%75se%72");
  EXPECT_EQ(f.to_domain, "example.com");
  EXPECT_EQ(f.from_user, "I%20have%20spaces");
  EXPECT_EQ(f.from_tag, "938");
  EXPECT_EQ(f.contact_user, "cal%6Cer");
  EXPECT_EQ(f.contact_ip, "host5.example.net");
  EXPECT_EQ(f.callid, "esc01.239409asdfakjkn23onasd0-3234");
  EXPECT_EQ(f.via_1_branch, "z9hG4bKkdjuw");
  EXPECT_EQ(f.cseq, "234234 INVITE");
  EXPECT_EQ(f.content_type, "application/sdp");  // compact "C:"
}

TEST(Rfc4475, Esc02PercentThatIsNotAnEscape) {
  auto l = load("esc02");
  EXPECT_EQ(l->f.method, "RE%47IST%45R");
  EXPECT_EQ(l->f.to_user, "resource");
  EXPECT_EQ(l->f.via_1_branch, "z9hG4bK209%fzsnel234");
  // "C%6Fntact" is not Contact: two Contact fields, and one unknown header.
  EXPECT_EQ(l->msg.headerValues("Contact").size(), 2u);
  EXPECT_EQ(l->msg.header("C%6Fntact"), "<sip:alias2@host2.example.com>");
}

TEST(Rfc4475, LwsdispNoSpaceBeforeAngle) {
  auto l = load("lwsdisp");
  EXPECT_EQ(l->f.method, "OPTIONS");
  EXPECT_EQ(l->f.from_user, "caller");
  EXPECT_EQ(l->f.from_tag, "323");
  ASSERT_TRUE(l->msg.from());
  EXPECT_EQ(l->msg.from()->display_name, "caller");
  EXPECT_EQ(l->f.to_user, "user");
  EXPECT_EQ(l->f.callid, "lwsdisp.1234abcd@funky.example.com");
  EXPECT_EQ(l->f.cseq, "60 OPTIONS");
  EXPECT_EQ(l->f.via_1_branch, "z9hG4bKkdjuw");
}

TEST(Rfc4475, LongreqLongValues) {
  auto l = load("longreq");
  EXPECT_EQ(l->f.callid,
            "longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreally"
            "reallyreallyreallyreallyreallyreallyreallyreallylongcallid");
  EXPECT_EQ(l->f.from_user, "amazinglylongcallernameamazinglylongcallernameamazinglylongcallername"
                            "amazinglylongcallernameamazinglylongcallername");
  EXPECT_EQ(l->f.to_user, "user");
  EXPECT_EQ(l->f.ruri_user, "user");
  EXPECT_EQ(l->f.cseq, "3882340 INVITE");
  ASSERT_TRUE(l->msg.to());
  EXPECT_EQ(l->msg.to()->uri.port, 6000);
  EXPECT_GT(l->msg.headerValues("Via").size(), 10u);
  EXPECT_EQ(l->f.via_1, "SIP/2.0/TCP sip33.example.com");
  EXPECT_EQ(l->f.via_1_branch, "");  // the top Via has no branch
  EXPECT_FALSE(l->f.from_tag.empty());
}

TEST(Rfc4475, SemiuriUserWithParams) {
  auto l = load("semiuri");
  EXPECT_EQ(l->f.ruri_user, "user;par=u%40example.net");
  EXPECT_EQ(l->f.ruri_domain, "example.com");
  EXPECT_EQ(l->f.from_tag, "33242");
  EXPECT_EQ(l->f.to_user, "j_user");
  EXPECT_EQ(l->f.callid, "semiuri.0ha0isndaksdj");
  // Accept is a list header folded over three lines.
  EXPECT_EQ(l->msg.headerValues("Accept").size(), 6u);
}

TEST(Rfc4475, TransportsAllViaTransports) {
  auto l = load("transports");
  EXPECT_EQ(l->f.callid, "transports.kijh4akdnaqjkwendsasfdj");
  EXPECT_EQ(l->f.via_1, "SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw");
  EXPECT_EQ(l->f.via_1_branch, "z9hG4bKkdjuw");
  const char* transports[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
  const auto vias = l->msg.headerValues("v");
  ASSERT_EQ(vias.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    auto via = parseVia(vias[i]);
    ASSERT_TRUE(via) << i;
    EXPECT_EQ(via->transport, transports[i]);
  }
}

TEST(Rfc4475, NoreasonEmptyReasonPhrase) {
  auto l = load("noreason");
  EXPECT_TRUE(l->msg.isResponse());
  EXPECT_EQ(l->msg.statusCode(), 100);
  EXPECT_EQ(l->f.type, 2);
  EXPECT_EQ(l->f.method, "100");
  EXPECT_EQ(l->f.status_code, 100);
  EXPECT_EQ(l->f.reply_reason, "");
  EXPECT_EQ(l->f.ruri, "");
  EXPECT_EQ(l->f.callid, "noreason.asndj203insdf99223ndf");
  EXPECT_EQ(l->f.from_tag, "39ansfi3");
  EXPECT_EQ(l->f.to_tag, "902jndnke3");
  EXPECT_EQ(l->f.to_domain, "example.edu");
  EXPECT_EQ(l->f.via_1_branch, "z9hG4bK2398ndaoe");
  EXPECT_EQ(l->f.contact_ip, "host105.example.com");
}

TEST(Rfc4475, UnknownSchemesParseWithoutUserOrDomain) {
  auto u = load("unkscm");
  EXPECT_EQ(u->f.ruri, "nobodyKnowsThisScheme:totallyopaquecontent");
  EXPECT_EQ(u->f.ruri_user, "");
  EXPECT_EQ(u->f.ruri_domain, "");
  EXPECT_EQ(u->f.callid, "unkscm.nasdfasser0q239nwsdfasdkl34");
  EXPECT_EQ(u->f.from_tag, "384");
  EXPECT_EQ(u->f.to_user, "user");
  auto n = load("novelsc");
  EXPECT_EQ(n->f.ruri, "soap.beep://192.0.2.103:3002");
  EXPECT_EQ(n->f.ruri_domain, "");
  EXPECT_EQ(n->f.callid, "novelsc.asdfasser0q239nwsdfasdkl34");
  auto m = load("unksm2");
  ASSERT_TRUE(m->msg.to());
  EXPECT_EQ(m->msg.to()->uri.scheme_text, "isbn");
  EXPECT_EQ(m->f.from_tag, "3234233");
  EXPECT_EQ(m->f.contact_user, "");
}

TEST(Rfc4475, Multi01FirstValueOfEachSingleValueHeaderWins) {
  auto l = load("multi01");
  EXPECT_EQ(l->f.callid, "multi01.98asdh@192.0.2.1");
  EXPECT_EQ(l->f.cseq, "5 INVITE");
  EXPECT_EQ(l->f.from_domain, "example.com");
  EXPECT_EQ(l->f.from_tag, "3413415");
  EXPECT_EQ(l->f.to_user, "user");
  EXPECT_EQ(l->f.contact_user, "caller");
  EXPECT_EQ(l->f.contact_ip, "host25.example.net");
  EXPECT_EQ(l->f.via_1_branch, "z9hG4bKkdjuw");
  EXPECT_EQ(l->msg.headerFieldCount("Call-ID"), 2u);
  EXPECT_EQ(l->msg.headerFieldCount("i"), 2u);
  EXPECT_EQ(l->msg.body().size(), 154u);
}

TEST(Rfc4475, ContactForms) {
  auto c1 = load("cparam01");
  EXPECT_EQ(c1->f.contact_user, "+19725552222");
  EXPECT_EQ(c1->f.contact_ip, "gw1.example.net");
  ASSERT_TRUE(c1->msg.contact());
  EXPECT_EQ(c1->msg.contact()->params, ";unknownparam");  // header param, not URI param
  auto c2 = load("cparam02");
  ASSERT_TRUE(c2->msg.contact());
  EXPECT_EQ(c2->msg.contact()->uri.params, ";unknownparam");
  auto r = load("regescrt");
  EXPECT_EQ(r->f.contact_user, "user");
  ASSERT_TRUE(r->msg.contact());
  EXPECT_EQ(r->msg.contact()->uri.headers, "Route=%3Csip:sip.example.com%3E");
}

TEST(Rfc4475, RejectedMessagesKeepWhatParsed) {
  auto clerr = load("clerr");
  EXPECT_EQ(clerr->f.callid, "clerr.0ha0isndaksdjweiafasdk3");
  EXPECT_EQ(clerr->f.from_tag, "93942939o2");
  EXPECT_LT(clerr->msg.body().size(), 9999u);
  auto scalar = load("scalar02");
  EXPECT_EQ(scalar->f.cseq, "36893488147419103232 REGISTER");  // raw text kept
  EXPECT_EQ(scalar->f.callid, "scalar02.23o0pd9vanlq3wnrlnewofjas9ui32");
  auto quot = load("quotbal");
  EXPECT_EQ(quot->f.to_user, "");  // unparsable To stays empty
  EXPECT_EQ(quot->f.from_tag, "93334");
  auto lws = load("lwsruri");
  EXPECT_EQ(lws->f.type, 0);
  EXPECT_EQ(lws->f.callid, "lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423");
  auto bad = load("badinv01");
  EXPECT_EQ(bad->f.via_1, "SIP/2.0/UDP 192.0.2.15;;");
  EXPECT_EQ(bad->f.callid, "badinv01.0ha0isndaksdjasdf3234nas");
  auto test = load("test");
  EXPECT_EQ(test->f.type, 0);
  EXPECT_EQ(test->f.callid, "test.0ha0isndaksdj@192.0.2.1");
  EXPECT_EQ(test->msg.startLine(), "INVITE sip:alan@jasomi.com");
}

TEST(Rfc4475, BaddnWithTheMissingEmptyLineIsABadDisplayName) {
  std::string bytes = loadFixture("rfc4475/baddn.dat") + "\r\n";
  auto msg = SipMessage::parse(bytes);
  auto err = msg.parseError();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, SipErrc::BadHeaderValue);
  EXPECT_EQ(msg.callId(), "baddn.31415@c.example.com");
}

TEST(Rfc4475, AcceptedInvalidMessagesKeepValuesRaw) {
  auto esc = load("escruri");
  EXPECT_EQ(esc->f.ruri, "sip:user@example.com?Route=%3Csip:example.com%3E");
  EXPECT_EQ(esc->f.ruri_user, "user");
  EXPECT_EQ(esc->f.ruri_domain, "example.com");
  auto date = load("baddate");
  EXPECT_EQ(date->msg.header("Date"), "Fri, 01 Jan 2010 16:00:00 EST");
  auto m1 = load("mismatch01");
  EXPECT_EQ(m1->f.method, "OPTIONS");
  EXPECT_EQ(m1->f.cseq, "8 INVITE");
  auto m2 = load("mismatch02");
  EXPECT_EQ(m2->f.method, "NEWMETHOD");
  EXPECT_EQ(m2->f.cseq, "8 INVITE");
  EXPECT_EQ(m2->msg.body().size(), 138u);
}

TEST(Rfc4475, Regaut01UnknownSchemeHasNoAuthUser) {
  auto l = load("regaut01");
  EXPECT_EQ(l->f.auth_user, "");
  EXPECT_EQ(l->msg.header("Authorization"), "NoOneKnowsThisScheme opaque-data=here");
}

}  // namespace
}  // namespace siphon::sip
