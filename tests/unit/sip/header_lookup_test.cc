// findHeaderValue: the first field of a name from the bytes, any case, compact forms both ways,
// unknown names, and what is not a header section.

#include "sip/header_lookup.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/header_scanner.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

const std::string_view kMsg =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
    "i: compact-1@example.com\r\n"
    "x-trace:   yes \r\n"
    "X-Trace: second\r\n"
    "Replaces: a@b;to-tag=1\r\n"
    "\r\n"
    "X-Body: not a header\r\n";

TEST(HeaderLookup, FindsTheFirstFieldOfAName) {
  EXPECT_EQ(findHeaderValue(kMsg, "Call-ID"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "call-id"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "i"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue(kMsg, "v"), "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1");
  EXPECT_EQ(findHeaderValue(kMsg, "X-Trace"), "yes");
  EXPECT_EQ(findHeaderValue(kMsg, "replaces"), "a@b;to-tag=1");
}

TEST(HeaderLookup, NothingPastTheHeaderSectionOrInBrokenInput) {
  EXPECT_EQ(findHeaderValue(kMsg, "X-Body"), std::nullopt);
  EXPECT_EQ(findHeaderValue(kMsg, "Contact"), std::nullopt);
  EXPECT_EQ(findHeaderValue("", "Call-ID"), std::nullopt);
  EXPECT_EQ(findHeaderValue("no line end", "Call-ID"), std::nullopt);
  EXPECT_EQ(findHeaderValue("INVITE x SIP/2.0\r\nCall-ID: cut", "Call-ID"), "cut");
  EXPECT_EQ(findHeaderValue(kMsg, ""), std::nullopt);
}

// CRLFs before the start line are skipped (RFC 3261 §7.5), as SipMessage::parse() skips them:
// a keep-alive CRLF ahead of a message on a stream must not hide its headers.
TEST(HeaderLookup, CrlfsBeforeTheStartLineAreSkipped) {
  const std::string message = "\r\n\n" + std::string(kMsg);
  EXPECT_EQ(findHeaderValue(message, "Call-ID"), "compact-1@example.com");
  EXPECT_EQ(findHeaderValue("\r\n\r\n", "Call-ID"), std::nullopt);
}

// What findHeaderValue answers by definition: every field read in turn by the scanner the full
// parse uses, the first of that name. The lookup skips the lines that cannot hold the name
// unread; it must answer the same on anything, framed or not.
std::optional<std::string_view> everyFieldRead(std::string_view message, std::string_view name) {
  const StartLineSpan first = findStartLine(message);
  if (!first.has_lf || name.empty()) return std::nullopt;
  const HeaderId wanted = classifyHeaderName(name);
  HeaderScanner scanner(message, first.next);
  RawHeader h;
  for (;;) {
    switch (scanner.next(h)) {
      case ScanStatus::Header:
        if (wanted != HeaderId::Other
                ? h.id == wanted
                : h.id == HeaderId::Other && core::equalsIgnoreCase(h.name, name)) {
          return h.value;
        }
        break;
      case ScanStatus::LineWithoutColon:
        break;
      case ScanStatus::End:
      case ScanStatus::Unterminated:
        return std::nullopt;
    }
  }
}

TEST(HeaderLookup, AnswersAsAReadOfEveryFieldOnEveryMessageAtHand) {
  std::vector<std::string> inputs = testing::everyMessageAtHand();
  inputs.emplace_back(kMsg);
  // Folding: a skipped field's continuation lines, one that looks like a name, a
  // whitespace-only line, a bare CR line, and the end without a line end.
  inputs.push_back(
      "INVITE sip:b@x SIP/2.0\r\nSubject: a\r\n X-Trace: folded\r\n\t\r\nX-Trace: real\r\n"
      "\rCall-ID: c\r\n\r\n");
  inputs.push_back("SIP/2.0 200 OK\nm: <sip:a@b>\n\tx\nContact: second\nX-Trace:");
  inputs.push_back("OPTIONS sip:b SIP/2.0\r\nno colon here\r\nx-trace :  spaced \r\n\r");
  size_t found = 0;
  for (const std::string& bytes : inputs) {
    for (std::string_view name : {"Call-ID", "i", "X-Trace", "Replaces", "v", "Max-Forwards",
                                  "Contact", "m", "Subject", "s", "To", "t", "l",
                                  "Content-Length", "X-Unknown", " X-Trace", "-"}) {
      const auto expected = everyFieldRead(bytes, name);
      EXPECT_EQ(findHeaderValue(bytes, name), expected) << name << " in " << bytes.substr(0, 60);
      found += expected.has_value();
    }
  }
  EXPECT_GT(found, 500u);
}

}  // namespace
}  // namespace siphon::sip
