// The real-capture load (tests/support/real_capture_traffic.h): what a pass changes in a call,
// and that the result is still the same call, with a body of the same length.

#include "support/real_capture_traffic.h"

#include <gtest/gtest.h>

#include <string>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"

namespace siphon::load {
namespace {

const std::string kSdp =
    "v=0\r\no=- 3701234567 3701234568 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
    "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
const std::string kInvite =
    "INVITE sip:4321@gw.example.com;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-77\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
    "To: <sip:4321@gw.example.com>\r\n"
    "Call-ID: call-1@10.0.0.1\r\n"
    "CSeq: 17 INVITE\r\n"
    "Contact: <sip:alice@10.0.0.1:5060>\r\n"
    "P-Asserted-Identity: <tel:+4930123>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: " +
    std::to_string(kSdp.size()) + "\r\n\r\n" + kSdp;

// The fields view `bytes`, which must outlive them.
sip::SipCaptureFields fieldsOf(const std::string& bytes) {
  auto msg = sip::SipMessage::parse(bytes);
  EXPECT_FALSE(msg.parseError()) << bytes;
  sip::SipCaptureFields f;
  sip::extractCaptureFields(msg, {}, f);
  return f;
}

TEST(RealCaptureTraffic, APassChangesWhatDiffersBetweenCalls) {
  const std::string v = varyCall(kInvite, "run", 42);
  const auto f = fieldsOf(v);
  EXPECT_EQ(f.callid, "run-42-call-1@10.0.0.1");
  EXPECT_EQ(f.from_tag, "a1-42");
  EXPECT_EQ(f.via_1_branch, "z9hG4bK-77.42");
  EXPECT_EQ(f.ruri_user, "432142");
  EXPECT_EQ(f.from_user, "alice42");
  EXPECT_EQ(f.to_user, "432142");
  EXPECT_EQ(f.contact_user, "alice42");
  EXPECT_EQ(f.pid_user, "+493012342");
  EXPECT_EQ(f.cseq, "42017 INVITE");
  // The body keeps its length (Content-Length stays right) but its origin changed.
  const auto msg = sip::SipMessage::parse(v);
  EXPECT_EQ(msg.body().size(), kSdp.size());
  EXPECT_NE(msg.body(), kSdp);
  EXPECT_EQ(msg.body().find("o=- 3701234567"), std::string_view::npos);
  EXPECT_EQ(msg.body().substr(0, 6), "v=0\r\no");
}

TEST(RealCaptureTraffic, OnePassIsOneCallAndPassesDiffer) {
  EXPECT_EQ(varyCall(kInvite, "run", 7), varyCall(kInvite, "run", 7));
  EXPECT_NE(varyCall(kInvite, "run", 7), varyCall(kInvite, "run", 8));
  // A reply of the same pass matches its request's transaction and dialog.
  const std::string ok =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-77\r\n"
      "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:4321@gw.example.com>;tag=b2\r\n"
      "Call-ID: call-1@10.0.0.1\r\nCSeq: 17 INVITE\r\nContent-Length: 0\r\n\r\n";
  const std::string req_bytes = varyCall(kInvite, "run", 7), rep_bytes = varyCall(ok, "run", 7);
  const auto req = fieldsOf(req_bytes);  // views into the bytes: they outlive the fields
  const auto rep = fieldsOf(rep_bytes);
  EXPECT_EQ(rep.callid, req.callid);
  EXPECT_EQ(rep.from_tag, req.from_tag);
  EXPECT_EQ(rep.cseq, req.cseq);
  EXPECT_EQ(rep.via_1_branch, req.via_1_branch);
  EXPECT_EQ(rep.to_user, req.to_user);
}

TEST(RealCaptureTraffic, LeavesWhatItCannotReadAlone) {
  // Not SIP at all, a CSeq without a number, LF line ends: rewritten as text, never thrown.
  EXPECT_EQ(varyCall("garbage", "r", 1), "garbage");
  const std::string odd = "OPTIONS sip:x SIP/2.0\nCSeq: abc OPTIONS\nCall-ID: c\n\n";
  const std::string v = varyCall(odd, "r", 3);
  EXPECT_NE(v.find("CSeq: abc OPTIONS\n"), std::string::npos);
  EXPECT_NE(v.find("Call-ID: r-3-c\n"), std::string::npos);
  EXPECT_NE(v.find("OPTIONS sip:x SIP/2.0\n"), std::string::npos) << "no '@': no user part";
}

}  // namespace
}  // namespace siphon::load
