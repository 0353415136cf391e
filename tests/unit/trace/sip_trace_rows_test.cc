// What a traced message stamps for the sip_trace rows (trace/sip_trace_rows.h): the direction
// from local_addresses, the traced users as a JSON array with '' first, a sender's bytes that
// are not UTF-8 replaced rather than thrown on, and the three chunks read back.

#include "trace/sip_trace_rows.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hep/siphon_chunks.h"
#include "process/sip_parse.h"
#include "support/records.h"

namespace siphon::trace {
namespace {

record::Record parsed(std::string_view payload, support::CaptureSpec spec = {}) {
  record::Record r(support::makeCapture(payload, spec));
  process::SipParseProcessor parse({});
  (void)parse.process(r);
  return r;
}

std::string invite(std::string_view from_user) {
  return "INVITE sip:carol@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
         "From: <sip:" +
         std::string(from_user) +
         "@example.com>;tag=f\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\n"
         "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
}

std::vector<core::AddressMatch> local(std::initializer_list<const char*> texts) {
  std::vector<core::AddressMatch> out;
  for (const char* t : texts) out.push_back(*core::AddressMatch::parse(t));
  return out;
}

TEST(SipTraceRows, DirectionIsSeenFromTheTracedServer) {
  const auto r = parsed(invite("alice"));  // 10.0.0.1:5060 -> 10.0.0.2:5062
  EXPECT_EQ(traceDirection(r.meta(), local({"10.0.0.2"})), "in");
  EXPECT_EQ(traceDirection(r.meta(), local({"10.0.0.0/31"})), "out")
      << "a network holding the source";
  EXPECT_EQ(traceDirection(r.meta(), local({"10.0.0.1:5060"})), "out");
  EXPECT_EQ(traceDirection(r.meta(), local({"10.0.0.2:5060"})), "") << "another port";
  EXPECT_EQ(traceDirection(r.meta(), {}), "");
}

TEST(SipTraceRows, TracedUsersAreTheNamedFieldsThatAreNotEmpty) {
  const auto r = parsed(invite("alice"));
  const std::vector<std::string> fields = {"from_user", "pid_user", "ruri_user"};
  EXPECT_EQ(tracedUsersJson(r, fields), R"(["","alice","carol"])");
  EXPECT_EQ(tracedUsersJson(r, {}), R"([""])");
  const auto bad =
      parsed(invite("al\xff"
                    "ice"));
  const std::string json = tracedUsersJson(bad, fields);
  EXPECT_TRUE(nlohmann::json::accept(json)) << json;
}

TEST(SipTraceRows, TheChunksReadBack) {
  auto r = parsed(invite("alice"));
  const std::vector<std::string> fields = {"from_user"};
  stampSipTraceRow(r, "", fields, local({"10.0.0.2"}));
  EXPECT_EQ(hep::siphonChunkText(r.meta(), hep::kTraceTableChunk), "sip_trace");
  EXPECT_EQ(hep::siphonChunkText(r.meta(), hep::kTracedUsersChunk), R"(["","alice"])");
  EXPECT_EQ(hep::siphonChunkText(r.meta(), hep::kTraceDirectionChunk), "in");
  auto plain = parsed(invite("alice"));
  stampSipTraceRow(plain, "sip_trace_vip", {}, {});
  EXPECT_EQ(hep::siphonChunkText(plain.meta(), hep::kTraceTableChunk), "sip_trace_vip");
  EXPECT_FALSE(hep::siphonChunkText(plain.meta(), hep::kTracedUsersChunk).has_value());
  EXPECT_FALSE(hep::siphonChunkText(plain.meta(), hep::kTraceDirectionChunk).has_value());
}

}  // namespace
}  // namespace siphon::trace
