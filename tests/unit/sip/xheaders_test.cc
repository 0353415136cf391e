// X-Siptrace-* headers: the exact bytes written, the round trip, and what reading rejects.

#include "sip/xheaders.h"

#include <gtest/gtest.h>

#include "core/byte_reader.h"

namespace siphon::sip {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
    "Call-ID: xh-1\r\n"
    "CSeq: 7 INVITE\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "body";

XHeaderValues sampleValues() {
  XHeaderValues v;
  v.fromip = "udp:10.0.0.1:5060";
  v.toip = "tcp:[2001:db8::2]:5070";
  v.ts_sec = 1700000000;
  v.ts_usec = 42;
  v.method = "INVITE";
  v.dir = "in";
  return v;
}

TEST(XHeadersTest, WritesTheFiveLinesBeforeTheEmptyLine) {
  auto out = writeXHeaders(kInvite, sampleValues());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out,
            "INVITE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
            "Call-ID: xh-1\r\n"
            "CSeq: 7 INVITE\r\n"
            "Content-Length: 4\r\n"
            "X-Siptrace-Fromip: udp:10.0.0.1:5060\r\n"
            "X-Siptrace-Toip: tcp:[2001:db8::2]:5070\r\n"
            "X-Siptrace-Time: 1700000000 42\r\n"
            "X-Siptrace-Method: INVITE\r\n"
            "X-Siptrace-Dir: in\r\n"
            "\r\n"
            "body");
}

TEST(XHeadersTest, ReadGivesBackTheValuesAndTheOriginalMessage) {
  auto written = writeXHeaders(kInvite, sampleValues());
  ASSERT_TRUE(written.has_value());
  auto read = readXHeaders(*written);
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(read->message, kInvite);
  EXPECT_EQ(read->values.fromip, "udp:10.0.0.1:5060");
  EXPECT_EQ(read->values.toip, "tcp:[2001:db8::2]:5070");
  EXPECT_EQ(read->values.ts_sec, 1700000000u);
  EXPECT_EQ(read->values.ts_usec, 42u);
  EXPECT_EQ(read->values.method, "INVITE");
  EXPECT_EQ(read->values.dir, "in");
  EXPECT_FALSE(read->outgoing);
  EXPECT_EQ(read->from.proto, core::Transport::Udp);
  EXPECT_EQ(read->from.ip.toString(), "10.0.0.1");
  EXPECT_EQ(read->from.port, 5060);
  EXPECT_EQ(read->to.proto, core::Transport::Tcp);
  EXPECT_EQ(read->to.ip.toString(), "2001:db8::2");
  EXPECT_EQ(read->to.port, 5070);
}

TEST(XHeadersTest, ReadAndWriteRelayThroughAMiddleNode) {
  // xheaders_read and xheaders_write both on: the original metadata survives the hop.
  auto first = writeXHeaders(kInvite, sampleValues());
  ASSERT_TRUE(first.has_value());
  auto read = readXHeaders(*first);
  ASSERT_TRUE(read.has_value());
  auto second = writeXHeaders(read->message, read->values);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, *first);
}

TEST(XHeadersTest, ValuesComeFromTheRecord) {
  const std::string reply =
      "SIP/2.0 180 Ringing\r\nCall-ID: r-1\r\nCSeq: 3 INVITE\r\nContent-Length: 0\r\n\r\n";
  core::CaptureMeta meta;
  meta.ip_proto = 6;
  meta.src_ip = *core::IpAddress::parse("192.0.2.1");
  meta.dst_ip = *core::IpAddress::parse("::1");
  meta.src_port = 5061;
  meta.dst_port = 5062;
  meta.ts_sec = 12;
  meta.ts_usec = 999999;
  meta.payload = core::asBytes(reply);
  auto v = xheaderValuesOf(meta, /*outgoing=*/true, "");
  EXPECT_EQ(v.fromip, "tcp:192.0.2.1:5061");
  EXPECT_EQ(v.toip, "tcp:[::1]:5062");
  EXPECT_EQ(v.method, "INVITE");  // a reply: the CSeq method
  EXPECT_EQ(v.dir, "out");
  EXPECT_EQ(v.ts_sec, 12u);
  EXPECT_EQ(v.ts_usec, 999999u);
  // trace_local_ip replaces the local side as written: fromip out, toip in.
  EXPECT_EQ(xheaderValuesOf(meta, true, "10.1.1.1:5064").fromip, "10.1.1.1:5064");
  auto in = xheaderValuesOf(meta, false, "udp:10.1.1.1:5064");
  EXPECT_EQ(in.toip, "udp:10.1.1.1:5064");
  EXPECT_EQ(in.fromip, "tcp:192.0.2.1:5061");
  EXPECT_EQ(in.dir, "in");
}

TEST(XHeadersTest, WriteRefusesWhatKamailioRefuses) {
  EXPECT_EQ(writeXHeaders("INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n", sampleValues()).error().code,
            XHeaderErrc::NoHeaderEnd);
  auto long_values = sampleValues();
  long_values.method = std::string(500, 'M');
  EXPECT_EQ(writeXHeaders(kInvite, long_values).error().code, XHeaderErrc::TooLong);
  auto no_method = sampleValues();
  no_method.method.clear();
  EXPECT_EQ(writeXHeaders(kInvite, no_method).error().code, XHeaderErrc::NoMethod);
}

TEST(XHeadersTest, ReadRejectsMissingOrMalformedHeaders) {
  EXPECT_EQ(readXHeaders(kInvite).error().code, XHeaderErrc::Missing);
  EXPECT_EQ(readXHeaders("no header end").error().code, XHeaderErrc::NoHeaderEnd);
  const std::string good = *writeXHeaders(kInvite, sampleValues());
  auto mutate = [&](std::string_view from, std::string_view to) {
    std::string m = good;
    m.replace(m.find(from), from.size(), to);
    return readXHeaders(m);
  };
  // Case-sensitive name, order, values.
  EXPECT_EQ(mutate("X-Siptrace-Fromip", "x-siptrace-fromip").error().code, XHeaderErrc::Missing);
  EXPECT_EQ(mutate("X-Siptrace-Toip", "X-Siptrace-Tolp").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("Dir: in", "Dir: up").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("Dir: in", "Dir: inbound").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("1700000000 42", "1700000000").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("1700000000 42", "99999999999 1").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("Method: INVITE", "Method: ").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("udp:10.0.0.1:5060", "udp:10.0.0.1").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("udp:10.0.0.1:5060", "xyz:10.0.0.1:5060").error().code, XHeaderErrc::Malformed);
  EXPECT_EQ(mutate("udp:10.0.0.1:5060", "udp:" + std::string(60, '1') + ":5060").error().code,
            XHeaderErrc::Malformed);
  // Headers in the body do not count.
  std::string in_body = kInvite + "\r\nX-Siptrace-Fromip: udp:1.2.3.4:5\r\n";
  EXPECT_EQ(readXHeaders(in_body).error().code, XHeaderErrc::Missing);
}

TEST(XHeadersTest, ReadRemovesAnythingAfterTheBlockLikeKamailio) {
  std::string m = *writeXHeaders(kInvite, sampleValues());
  m.insert(m.find("\r\n\r\nbody") + 2, "X-After: 1\r\n");
  auto read = readXHeaders(m);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->message, kInvite);
}

TEST(XHeadersTest, TraceAddressParsesWithAndWithoutBrackets) {
  auto a = parseTraceAddress("wss:[::1]:443");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->proto, core::Transport::Wss);
  EXPECT_EQ(a->ip.toString(), "::1");
  EXPECT_EQ(a->port, 443);
  auto b = parseTraceAddress("sctp:2001:db8::5:5060");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->ip.toString(), "2001:db8::5");
  EXPECT_EQ(b->port, 5060);
  EXPECT_FALSE(parseTraceAddress("udp:1.2.3.4:70000").has_value());
  EXPECT_FALSE(parseTraceAddress("1.2.3.4:5060").has_value());
  EXPECT_EQ(traceAddress(core::Transport::Unknown, *core::IpAddress::parse("1.2.3.4"), 9),
            "udp:1.2.3.4:9");
}

}  // namespace
}  // namespace siphon::sip
