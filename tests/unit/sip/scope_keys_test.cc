// scanScopeKeys: the scope keys from a scan that stops at them equal the full parse's
// extractCaptureFields(FieldSet::Keys), or the scan declines (sip/scope_keys.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/scope_keys.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::crlf;

const std::string kScopeInvite = crlf(
    "INVITE sip:bob@example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport, SIP/2.0/TCP 10.0.0.2\n"
    "Max-Forwards: 70\n"
    "Contact: <sip:alice@10.0.0.1>\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=abc\n"
    "To: <sip:bob@example.com>\n"
    "Call-ID: k1@10.0.0.1\n"
    "CSeq: 1 INVITE\n"
    "User-Agent: test\n"
    "Content-Length: 0\n"
    "\n");

SipCaptureFields fullKeys(const std::string& bytes) {
  SipCaptureFields f;
  extractCaptureFields(SipMessage::parse(bytes), {}, f, FieldSet::Keys);
  return f;
}

// The fields FieldSet::Keys fills, compared one by one (views into the same bytes).
void expectSameKeys(const SipCaptureFields& scan, const SipCaptureFields& full,
                    const std::string& what) {
  EXPECT_EQ(scan.type, full.type) << what;
  EXPECT_EQ(scan.method, full.method) << what;
  EXPECT_EQ(scan.status_code, full.status_code) << what;
  EXPECT_EQ(scan.reply_reason, full.reply_reason) << what;
  EXPECT_EQ(scan.callid, full.callid) << what;
  EXPECT_EQ(scan.from_tag, full.from_tag) << what;
  EXPECT_EQ(scan.to_tag, full.to_tag) << what;
  EXPECT_EQ(scan.via_1_branch, full.via_1_branch) << what;
  EXPECT_EQ(scan.cseq, full.cseq) << what;
  EXPECT_EQ(scan.ruri, full.ruri) << what;
  EXPECT_EQ(scan.from_value, full.from_value) << what;
  EXPECT_EQ(scan.to_value, full.to_value) << what;
  EXPECT_EQ(scan.ruri_user, "") << what;
  EXPECT_EQ(scan.via_1, "") << what;
}

// Framing faults the scan does not look for: after the last key header, or in a line that is
// not one of them.
bool unseenByTheScan(SipErrc code) {
  switch (code) {
    case SipErrc::HeaderWithoutColon:
    case SipErrc::UnterminatedHeaders:
    case SipErrc::BadContentLength:
    case SipErrc::BodyTruncated:
    case SipErrc::TooManyHeaders:
    case SipErrc::TooLarge:
      return true;
    default:
      return false;
  }
}

TEST(ScopeKeys, AnInviteGivesTheFullParsesKeys) {
  SipCaptureFields scan;
  ASSERT_TRUE(scanScopeKeys(kScopeInvite, scan));
  expectSameKeys(scan, fullKeys(kScopeInvite), "invite");
  EXPECT_EQ(scan.method, "INVITE");
  EXPECT_EQ(scan.from_tag, "abc");
  EXPECT_EQ(scan.via_1_branch, "z9hG4bK-1");
  EXPECT_EQ(scan.cseq, "1 INVITE");
}

TEST(ScopeKeys, AReplyCompactFormsFoldingAndBareLineFeeds) {
  const std::string reply =
      "\r\nSIP/2.0 180 Ringing\n"
      "v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-2\n"
      "f: <sip:a@x>\n ;tag=folded\n"
      "t: <sip:b@x>;TAG=t2\n"
      "i: c2\n"
      "CSEQ:  7 INVITE \n"
      "l: 0\n\n";
  SipCaptureFields scan;
  ASSERT_TRUE(scanScopeKeys(reply, scan));
  expectSameKeys(scan, fullKeys(reply), "reply");
  EXPECT_EQ(scan.status_code, 180);
  EXPECT_EQ(scan.reply_reason, "Ringing");
  EXPECT_EQ(scan.from_tag, "folded");
  EXPECT_EQ(scan.to_tag, "t2");
  EXPECT_EQ(scan.callid, "c2");
  EXPECT_EQ(scan.cseq, "7 INVITE");
}

// The key names in any case, long and compact, read by their fast path (the name right before
// the colon), beside lines the fast path leaves to the HeaderScanner: LWS before the colon,
// names that only start like a key's (Call-Info, Tox, Cseqx), a folded key line, and a last
// key line with fewer than 8 bytes left.
TEST(ScopeKeys, KeyNamesInAnyCaseAndTheirLookalikes) {
  const std::string mixed =
      "INVITE sip:b@x SIP/2.0\r\n"
      "Call-Info: <http://x/i>;purpose=info\r\n"
      "Tox: not a key\r\n"
      "Cseqx: 9 NOTIFY\r\n"
      "VIA : SIP/2.0/UDP h;branch=z9hG4bK-sp\r\n"
      "fROM:\t<sip:a@x>;tag=lower \r\n"
      "To:\r\n <sip:b@x>;tag=fold\r\n"
      "CALL-ID:   id-1\t\r\n"
      "I: id-2\r\n"
      "cSeQ:3 INVITE";
  SipCaptureFields scan;
  const std::string ended = mixed + "\r\n\r\n";
  ASSERT_TRUE(scanScopeKeys(ended, scan));
  expectSameKeys(scan, fullKeys(ended), "mixed");
  EXPECT_EQ(scan.via_1_branch, "z9hG4bK-sp");
  EXPECT_EQ(scan.from_tag, "lower");
  EXPECT_EQ(scan.to_tag, "fold");
  EXPECT_EQ(scan.callid, "id-1");
  EXPECT_EQ(scan.cseq, "3 INVITE");
  const std::string short_tail =
      "BYE sip:b@x SIP/2.0\r\nv:h;branch=z9hG4bK-s\r\nf:<a>;tag=1\r\nt:<b>\r\ni:c\r\nCSeq:1 "
      "BYE\n\n";
  ASSERT_TRUE(scanScopeKeys(short_tail, scan));
  expectSameKeys(scan, fullKeys(short_tail), "short tail");
  EXPECT_EQ(scan.callid, "c");
  EXPECT_EQ(scan.cseq, "1 BYE");
}

TEST(ScopeKeys, TheFirstFieldOfEachKeyWins) {
  const std::string twice = crlf(
      "ACK sip:b@x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-top\nVia: SIP/2.0/UDP "
      "g;branch=z9hG4bK-2\n"
      "From: <sip:a@x>;tag=1\nTo: <sip:b@x>;tag=2\nCall-ID: first\nCall-ID: second\nCSeq: 2 "
      "ACK\n\n");
  SipCaptureFields scan;
  ASSERT_TRUE(scanScopeKeys(twice, scan));
  expectSameKeys(scan, fullKeys(twice), "twice");
  EXPECT_EQ(scan.callid, "first");
  EXPECT_EQ(scan.via_1_branch, "z9hG4bK-top");
}

// The top Via branch is a key of INVITE and ACK requests only (the tracker reads no other):
// the scan and the full parse's Keys leave it empty on every other message, in any case of
// the method.
TEST(ScopeKeys, TheBranchIsAKeyOfInviteAndAckRequestsOnly) {
  auto message = [](std::string_view start, std::string_view cseq_method) {
    return crlf(std::string(start) +
                "\nVia: SIP/2.0/UDP h;rport;branch=z9hG4bK-b1\nFrom: <sip:a@x>;tag=1\n"
                "To: <sip:b@x>;tag=2\nCall-ID: c\nCSeq: 1 " +
                std::string(cseq_method) + "\n\n");
  };
  const struct {
    std::string_view start, cseq_method;
    bool branch;
  } cases[] = {
      {"INVITE sip:b@x SIP/2.0", "INVITE", true},    {"ACK sip:b@x SIP/2.0", "ACK", true},
      {"invite sip:b@x SIP/2.0", "invite", true},    {"Ack sip:b@x SIP/2.0", "Ack", true},
      {"BYE sip:b@x SIP/2.0", "BYE", false},         {"CANCEL sip:b@x SIP/2.0", "CANCEL", false},
      {"SIP/2.0 200 OK", "INVITE", false},           {"SIP/2.0 487 Terminated", "INVITE", false},
      {"REGISTER sip:x SIP/2.0", "REGISTER", false},
  };
  for (const auto& c : cases) {
    const std::string bytes = message(c.start, c.cseq_method);
    SipCaptureFields scan;
    ASSERT_TRUE(scanScopeKeys(bytes, scan)) << c.start;
    expectSameKeys(scan, fullKeys(bytes), std::string(c.start));
    EXPECT_EQ(scan.via_1_branch, c.branch ? "z9hG4bK-b1" : "") << c.start;
  }
}

TEST(ScopeKeys, DeclinesWhatIsOutOfTheCommonShape) {
  SipCaptureFields scan;
  const std::string no_cseq = crlf(
      "ACK sip:b@x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\nFrom: <sip:a@x>;tag=1\n"
      "To: <sip:b@x>\nCall-ID: c\n\n");
  EXPECT_FALSE(scanScopeKeys(no_cseq, scan)) << "a key header missing: the full parse says so";
  EXPECT_FALSE(scanScopeKeys("INVITE  sip:b@x SIP/2.0\r\n" + kScopeInvite.substr(36), scan))
      << "a start line that does not parse";
  const std::string bad_key_line = crlf(
      "BYE sip:b@x SIP/2.0\nVia SIP/2.0/UDP h;branch=z9hG4bK-1\nFrom: <sip:a@x>;tag=1\n"
      "To: <sip:b@x>\nCall-ID: c\nCSeq: 2 BYE\n\n");
  EXPECT_FALSE(scanScopeKeys(bad_key_line, scan)) << "a key line without a colon";
  std::string many = "BYE sip:b@x SIP/2.0\r\n";
  for (int i = 0; i < 300; ++i) many += "X-Pad: " + std::to_string(i) + "\r\n";
  many += kScopeInvite.substr(kScopeInvite.find("Via:"));
  EXPECT_FALSE(scanScopeKeys(many, scan)) << "more lines than the header limit";
  EXPECT_FALSE(scanScopeKeys("", scan));
  EXPECT_FALSE(scanScopeKeys("INVITE sip:b@x SIP/2.0", scan)) << "no line end";
  EXPECT_FALSE(scanScopeKeys(std::string(ParseLimits{}.max_message_bytes + 1, 'a'), scan));
}

TEST(ScopeKeys, DoesNotLookPastTheLastKeyHeader) {
  // The full parse flags the Content-Length and the line without a colon; the keys are the
  // same, and the scan has stopped before either.
  const std::string tail = crlf(
      "OPTIONS sip:b@x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-9\nFrom: <sip:a@x>;tag=1\n"
      "To: <sip:b@x>\nCall-ID: c9\nCSeq: 9 OPTIONS\nno colon here\nContent-Length: 99\n\n");
  const auto msg = SipMessage::parse(tail);
  ASSERT_TRUE(msg.framingError());
  EXPECT_EQ(msg.framingError()->code, SipErrc::HeaderWithoutColon);
  SipCaptureFields scan;
  ASSERT_TRUE(scanScopeKeys(tail, scan));
  expectSameKeys(scan, fullKeys(tail), "tail");
}

// Every message at hand: the RFC 4475 and 5118 torture messages, the real-world ones and the
// fuzz corpus. Where the scan answers, it answers as the full parse does, and the full parse
// found no framing fault the scan could have seen.
TEST(ScopeKeys, EqualsTheFullParseOnEveryMessageAtHand) {
  std::vector<std::string> inputs = testing::everyMessageAtHand();
  inputs.push_back(kScopeInvite);
  ASSERT_GT(inputs.size(), 80u);
  size_t answered = 0, well_formed = 0, well_formed_answered = 0;
  for (const std::string& bytes : inputs) {
    const auto msg = SipMessage::parse(bytes);
    const bool clean = !msg.framingError() && msg.hasHeader(HeaderId::Via) &&
                       msg.hasHeader(HeaderId::From) && msg.hasHeader(HeaderId::To) &&
                       msg.hasHeader(HeaderId::CallId) && msg.hasHeader(HeaderId::CSeq);
    well_formed += clean;
    SipCaptureFields scan;
    if (!scanScopeKeys(bytes, scan)) continue;
    ++answered;
    well_formed_answered += clean;
    const std::string what = bytes.substr(0, 60);
    expectSameKeys(scan, fullKeys(bytes), what);
    if (const auto err = msg.framingError()) {
      EXPECT_TRUE(unseenByTheScan(err->code)) << sipErrcName(err->code) << ": " << what;
    }
  }
  EXPECT_GT(answered, 60u);
  // A framed message with its five key headers is the common shape: the scan takes them all.
  EXPECT_EQ(well_formed_answered, well_formed);
}

}  // namespace
}  // namespace siphon::sip
