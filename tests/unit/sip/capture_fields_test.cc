// extractCaptureFields: one test per sip_capture column rule (HEP-AND-MODULES.md §2.4).

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

using testing::crlf;

// Keeps every message's bytes alive for the whole test program: fields are views into them.
SipCaptureFields fields(std::string bytes_in, const FieldOptions& opt = {},
                        FieldSet set = FieldSet::All) {
  static std::deque<std::string> keep;
  const std::string& bytes = keep.emplace_back(std::move(bytes_in));
  auto msg = SipMessage::parse(bytes);
  SipCaptureFields f;
  extractCaptureFields(msg, opt, f, set);
  return f;
}

const std::string kInvite = crlf(
    "INVITE sip:+4930123@gw.example.com;user=phone SIP/2.0\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport, SIP/2.0/TCP 10.0.0.2\n"
    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK-3\n"
    "From: \"Alice, A.\" <sip:alice@example.com>;tag=a1\n"
    "To: <tel:+4930123;phone-context=example.com>\n"
    "Call-ID: abc@10.0.0.1\n"
    "CSeq: 1 INVITE\n"
    "Contact: <sip:alice@[2001:db8::5]:5070;transport=tcp>;expires=60\n"
    "P-Asserted-Identity: \"Alice\" <sip:+4930999@example.com>, <tel:+4930999>\n"
    "Remote-Party-ID: <sip:rpid@example.com>\n"
    "Proxy-Authorization: Digest username=\"bob@example.com\", realm=\"example.com\", "
    "nonce=\"x,y\", uri=\"sip:gw.example.com\", response=\"0\"\n"
    "Authorization: Digest username=\"carol\", realm=\"r\"\n"
    "Diversion: <sip:div@example.com>;reason=unconditional\n"
    "Reason: Q.850;cause=16;text=\"Normal call clearing\"\n"
    "User-Agent: TestUA/1.0\n"
    "X-OIP: 192.0.2.7:5080\n"
    "x-cid: aleg-1\n"
    "X-RTP-Stat: CS=0;PS=100\n"
    "P-RTP-Stat: ignored\n"
    "Mac: 00:11:22:33:44:55\n"
    "IP: 10.1.1.1\n"
    "Port: 5060\n"
    "Content-Type: application/sdp\n"
    "Content-Length: 0\n"
    "\n");

TEST(CaptureFields, RequestColumns) {
  const auto f = fields(kInvite);
  EXPECT_EQ(f.type, 1);
  EXPECT_EQ(f.method, "INVITE");
  EXPECT_EQ(f.status_code, 0);
  EXPECT_EQ(f.ruri, "sip:+4930123@gw.example.com;user=phone");
  EXPECT_EQ(f.ruri_user, "+4930123");
  EXPECT_EQ(f.ruri_domain, "gw.example.com");
  EXPECT_EQ(f.from_user, "alice");
  EXPECT_EQ(f.from_tag, "a1");
  EXPECT_EQ(f.to_user, "+4930123");  // tel: the number is the user
  EXPECT_EQ(f.to_domain, "");
  EXPECT_EQ(f.pid_user, "+4930999");
  EXPECT_EQ(f.contact_user, "alice");
  EXPECT_EQ(f.contact_ip, "2001:db8::5");
  EXPECT_EQ(f.contact_port, 5070);
  EXPECT_EQ(f.auth_user, "bob");  // Proxy-Authorization preferred; user part of user@host
  EXPECT_EQ(f.callid, "abc@10.0.0.1");
  EXPECT_EQ(f.callid_aleg, "aleg-1");  // names compared case-insensitively
  EXPECT_EQ(f.via_1, "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport");
  EXPECT_EQ(f.via_1_branch, "z9hG4bK-1");
  EXPECT_EQ(f.cseq, "1 INVITE");
  EXPECT_EQ(f.diversion, "<sip:div@example.com>;reason=unconditional");
  EXPECT_EQ(f.reason, "Q.850;cause=16;text=\"Normal call clearing\"");
  EXPECT_EQ(f.content_type, "application/sdp");
  EXPECT_EQ(f.user_agent, "TestUA/1.0");
  EXPECT_EQ(f.originator_ip, "192.0.2.7");
  EXPECT_EQ(f.originator_port, 5080);
  EXPECT_EQ(f.rtp_stat, "CS=0;PS=100");  // X-RTP-Stat comes before P-RTP-Stat in the order
  EXPECT_EQ(f.custom_field1, "00:11:22:33:44:55");
  EXPECT_EQ(f.custom_field2, "10.1.1.1");
  EXPECT_EQ(f.custom_field3, "5060");
}

TEST(CaptureFields, AuthorizationWhenNoProxyAuthorization) {
  const auto f =
      fields(crlf("REGISTER sip:example.com SIP/2.0\nCall-ID: 1\n"
                  "Authorization: Digest realm=\"r\", username=carol\n\n"));
  EXPECT_EQ(f.auth_user, "carol");
}

TEST(CaptureFields, CallidAlegListOrder) {
  FieldOptions opt;
  opt.callid_aleg_headers = {"X-Missing", "P-RTP-Stat", "x-cid"};
  EXPECT_EQ(fields(kInvite, opt).callid_aleg, "ignored");
}

TEST(CaptureFields, PidFallsBackToPreferredThenRpid) {
  EXPECT_EQ(fields(crlf("BYE sip:a@b SIP/2.0\nP-Preferred-Identity: <sip:ppi@x>\n"
                        "Remote-Party-ID: <sip:rpid@x>\n\n"))
                .pid_user,
            "ppi");
  EXPECT_EQ(
      fields(crlf("BYE sip:a@b SIP/2.0\nRemote-Party-ID: \"R\" <sip:rpid@x>;party=calling\n\n"))
          .pid_user,
      "rpid");
}

TEST(CaptureFields, ReplyColumnsAndServerFallback) {
  const auto f =
      fields(crlf("SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
                  "From: <sip:a@b>;tag=1\nTo: <sip:c@d>;tag=2\nCall-ID: r1\n"
                  "CSeq: 7 INVITE\nServer: PBX 9\nContact: *\n\n"));
  EXPECT_EQ(f.type, 2);
  EXPECT_EQ(f.method, "486");
  EXPECT_EQ(f.status_code, 486);
  EXPECT_EQ(f.reply_reason, "Busy Here");
  EXPECT_EQ(f.ruri, "");
  EXPECT_EQ(f.to_tag, "2");
  EXPECT_EQ(f.user_agent, "PBX 9");
  EXPECT_EQ(f.contact_user, "*");
  EXPECT_EQ(f.contact_ip, "");
}

TEST(CaptureFields, OriginatorIpv6) {
  const auto f = fields(crlf("BYE sip:a@b SIP/2.0\nX-OIP: [2001:db8::7]:5061\n\n"));
  EXPECT_EQ(f.originator_ip, "2001:db8::7");
  EXPECT_EQ(f.originator_port, 5061);
  const auto g = fields(crlf("BYE sip:a@b SIP/2.0\nX-OIP: 192.0.2.1\n\n"));
  EXPECT_EQ(g.originator_ip, "192.0.2.1");
  EXPECT_EQ(g.originator_port, 0);
}

TEST(CaptureFields, BrokenMessageStillGivesWhatParsed) {
  const auto f =
      fields(crlf("GARBAGE LINE\nCall-ID: still-here\nFrom: <sip:x@y>;tag=9\n"
                  "To: \"unterminated <sip:z@w>\nCSeq: 99999999999 INVITE\n\n"));
  EXPECT_EQ(f.type, 0);
  EXPECT_EQ(f.method, "");
  EXPECT_EQ(f.callid, "still-here");
  EXPECT_EQ(f.from_tag, "9");
  EXPECT_EQ(f.to_user, "");
  EXPECT_EQ(f.cseq, "99999999999 INVITE");
}

// The tracer's set: what trace rules and the dialog tracker read, and nothing the stores alone
// read (the agent without trace_to_database skips about half the parse this way).
TEST(CaptureFields, DialogSetFillsWhatTheTracerReadsOnly) {
  const FieldOptions opt;  // X-CID is the default A-leg header
  const auto all = fields(kInvite, opt);
  const auto f = fields(kInvite, opt, FieldSet::Dialog);
  EXPECT_EQ(f.type, all.type);
  EXPECT_EQ(f.method, all.method);
  EXPECT_EQ(f.ruri, all.ruri);
  EXPECT_EQ(f.ruri_user, all.ruri_user);
  EXPECT_EQ(f.from_user, all.from_user);
  EXPECT_EQ(f.from_tag, all.from_tag);
  EXPECT_EQ(f.to_user, all.to_user);
  EXPECT_EQ(f.callid, all.callid);
  EXPECT_EQ(f.via_1, all.via_1);
  EXPECT_EQ(f.via_1_branch, "z9hG4bK-1");
  EXPECT_EQ(f.cseq, all.cseq);
  // Store-only columns stay empty.
  EXPECT_EQ(f.pid_user, "");
  EXPECT_EQ(f.contact_user, "");
  EXPECT_EQ(f.auth_user, "");
  EXPECT_EQ(f.callid_aleg, "");
  EXPECT_EQ(f.user_agent, "");
  EXPECT_EQ(f.diversion, "");
  EXPECT_EQ(f.originator_ip, "");
  EXPECT_EQ(f.rtp_stat, "");
  const auto reply = fields(crlf("SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP h;branch=z9hG4bK-r\n"
                                 "From: <sip:a@x>;tag=f\nTo: <sip:b@y>;tag=t\n"
                                 "Call-ID: r-1\nCSeq: 1 INVITE\n\n"),
                            {}, FieldSet::Dialog);
  EXPECT_EQ(reply.type, 2);
  EXPECT_EQ(reply.status_code, 180);
  EXPECT_EQ(reply.to_tag, "t");
  EXPECT_EQ(reply.via_1_branch, "z9hG4bK-r");
}

// dialogError() judges only what the tracer reads: a broken Contact or second Via makes the
// message unparsed for the stores but still traceable.
TEST(CaptureFields, DialogErrorIgnoresHeadersTheTracerDoesNotRead) {
  const std::string bad_contact = crlf(
      "INVITE sip:b@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\n"
      "From: <sip:a@x>;tag=f\nTo: <sip:b@y>\nCall-ID: c-1\nCSeq: 1 INVITE\n"
      "Contact: <sip:broken\n\n");
  const auto msg = SipMessage::parse(bad_contact);
  EXPECT_TRUE(msg.parseError().has_value());
  EXPECT_FALSE(msg.dialogError().has_value());
  const std::string bad_from = crlf(
      "INVITE sip:b@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\n"
      "From: <sip:a@x\nTo: <sip:b@y>\nCall-ID: c-2\nCSeq: 1 INVITE\n\n");
  const auto broken = SipMessage::parse(bad_from);
  ASSERT_TRUE(broken.dialogError().has_value());
  EXPECT_EQ(broken.dialogError()->code, broken.parseError()->code);
  const std::string no_to = crlf("OPTIONS sip:b@y SIP/2.0\nCall-ID: c-3\n\n");
  EXPECT_FALSE(SipMessage::parse(no_to).dialogError().has_value())
      << "a missing header is not an error the tracer cares about";
  EXPECT_TRUE(SipMessage::parse("").dialogError().has_value()) << "framing errors count";
}

// FieldSet::Keys against FieldSet::Dialog on every message at hand: the torture messages, the
// real-world ones and the fuzz corpus. Wherever the dialog headers parse, the keys are the
// same views; elsewhere Keys may find more (it validates no URI) but never reads outside.
TEST(CaptureFields, KeysEqualTheDialogFieldsWhereverThoseParse) {
  std::vector<std::string> inputs = testing::everyMessageAtHand();
  inputs.push_back(kInvite);
  ASSERT_GT(inputs.size(), 80u);
  size_t compared = 0, with_tags = 0, with_branch_key = 0;
  for (const std::string& bytes : inputs) {
    const auto msg = SipMessage::parse(bytes);
    SipCaptureFields keys, dialog;
    extractCaptureFields(msg, {}, keys, FieldSet::Keys);
    extractCaptureFields(msg, {}, dialog, FieldSet::Dialog);
    EXPECT_EQ(keys.ruri_user, "") << "Keys parses no URI";
    if (msg.dialogError()) continue;
    ++compared;
    with_tags += !dialog.from_tag.empty();
    const std::string what = bytes.substr(0, 60);
    EXPECT_EQ(keys.type, dialog.type) << what;
    EXPECT_EQ(keys.method, dialog.method) << what;
    EXPECT_EQ(keys.status_code, dialog.status_code) << what;
    EXPECT_EQ(keys.callid, dialog.callid) << what;
    EXPECT_EQ(keys.from_tag, dialog.from_tag) << what;
    EXPECT_EQ(keys.to_tag, dialog.to_tag) << what;
    // The branch only where the tracker reads it: INVITE and ACK requests.
    const bool branch_key =
        dialog.type == 1 && (dialog.method == "INVITE" || dialog.method == "ACK");
    EXPECT_EQ(keys.via_1_branch, branch_key ? dialog.via_1_branch : "") << what;
    with_branch_key += branch_key && !dialog.via_1_branch.empty();
    EXPECT_EQ(keys.cseq, dialog.cseq) << what;
    EXPECT_EQ(keys.ruri, dialog.ruri) << what;
    EXPECT_EQ(keys.from_value, dialog.from_value) << what;
    EXPECT_EQ(keys.to_value, dialog.to_value) << what;
    // What the tracer's rules rely on to skip the URI parse (trace/rule_sip.h): each user is
    // written in the value it came from.
    EXPECT_NE(keys.from_value.find(dialog.from_user), std::string_view::npos) << what;
    EXPECT_NE(keys.to_value.find(dialog.to_user), std::string_view::npos) << what;
    EXPECT_NE(keys.ruri.find(dialog.ruri_user), std::string_view::npos) << what;
  }
  EXPECT_GT(compared, 60u);
  EXPECT_GT(with_tags, 40u);
  EXPECT_GT(with_branch_key, 10u);
}

TEST(CaptureFields, EmptyInput) {
  const auto f = fields("");
  EXPECT_EQ(f.type, 0);
  EXPECT_EQ(f.callid, "");
}

}  // namespace
}  // namespace siphon::sip
