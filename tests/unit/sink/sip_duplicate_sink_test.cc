// The plain-SIP duplicate, received on a real UDP socket on loopback.

#include "sink/sip_duplicate_sink.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "sip/xheaders.h"
#include "support/loopback_socket.h"
#include "support/sink_lane.h"

namespace siphon::sink {
namespace {

using SinkLane = support::SinkLane<SipDuplicateSink>;

// A UDP socket on 127.0.0.1 with a kernel-chosen port and a bounded receive.
class UdpReceiver {
 public:
  UdpReceiver() : socket_(SOCK_DGRAM), fd_(socket_.fd()) {
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  uint16_t port() const { return socket_.port(); }
  // One datagram (empty on timeout) and the port it came from.
  std::string receive(uint16_t* from_port = nullptr) {
    std::string buf(70000, '\0');
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return {};
    if (from_port != nullptr) *from_port = ntohs(from.sin_port);
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  support::LoopbackSocket socket_;
  int fd_;
};

const std::string kBye =
    "BYE sip:bob@192.0.2.20 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-dup\r\n"
    "Call-ID: dup-1\r\n"
    "CSeq: 2 BYE\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

core::Capture record(const std::string& sip, uint8_t payload_type = 1) {
  core::Capture c;
  c.raw.resize(sip.size());
  std::memcpy(c.raw.data(), sip.data(), sip.size());
  c.meta.ip_proto = 17;
  c.meta.src_ip = *core::IpAddress::parse("192.0.2.10");
  c.meta.dst_ip = *core::IpAddress::parse("192.0.2.20");
  c.meta.src_port = 5060;
  c.meta.dst_port = 5080;
  c.meta.ts_sec = 1700000123;
  c.meta.ts_usec = 456;
  c.meta.payload_type = payload_type;
  c.meta.payload = c.raw;
  return c;
}

// A free UDP port on 127.0.0.1 (bound, read, released).
TEST(SipDuplicateSinkTest, SendsTheMessageUnchangedFromTheForcedSocket) {
  UdpReceiver rx;
  // A port no other process can take: held on 127.0.0.1 by `placeholder`, so 127.0.0.2 with
  // the same port is free for the forced socket (no bind, release and hope).
  UdpReceiver placeholder;
  const uint16_t from = placeholder.port();
  SipDuplicateOptions o;
  o.duplicate_uri = "sip:127.0.0.1:" + std::to_string(rx.port()) + ";transport=tcp";
  o.force_send_sock = "sip:127.0.0.2:" + std::to_string(from);
  SinkLane sink(o);
  auto opened = sink.open();
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(sink.sink().localEndpoint().port, from);
  sink.start();
  ASSERT_TRUE(sink.offer(record(kBye)));
  uint16_t got_from = 0;
  EXPECT_EQ(rx.receive(&got_from), kBye);
  EXPECT_EQ(got_from, from);
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().countOf(SipDuplicateCount::Sent), 1u);
}

TEST(SipDuplicateSinkTest, XHeadersWriteAddsExactlyKamailiosLines) {
  UdpReceiver rx;
  SipDuplicateOptions o;
  o.duplicate_uri = "udp:127.0.0.1:" + std::to_string(rx.port());
  o.xheaders_write = true;
  o.local_ips = {*core::IpAddress::parse("192.0.2.10")};  // we sent it: dir out
  SinkLane sink(o);
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  ASSERT_TRUE(sink.offer(record(kBye)));
  const std::string expected =
      "BYE sip:bob@192.0.2.20 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-dup\r\n"
      "Call-ID: dup-1\r\n"
      "CSeq: 2 BYE\r\n"
      "Content-Length: 0\r\n"
      "X-Siptrace-Fromip: udp:192.0.2.10:5060\r\n"
      "X-Siptrace-Toip: udp:192.0.2.20:5080\r\n"
      "X-Siptrace-Time: 1700000123 456\r\n"
      "X-Siptrace-Method: BYE\r\n"
      "X-Siptrace-Dir: out\r\n"
      "\r\n";
  const std::string got = rx.receive();
  EXPECT_EQ(got, expected);
  // The receiving tracer (xheaders_read) gets the original message and metadata back.
  auto read = sip::readXHeaders(got);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->message, kBye);
  EXPECT_TRUE(read->outgoing);
  EXPECT_EQ(read->from.ip.toString(), "192.0.2.10");
  EXPECT_EQ(read->to.port, 5080);
  EXPECT_EQ(read->values.ts_sec, 1700000123u);
  sink.flushAndStop();
}

TEST(SipDuplicateSinkTest, NonSipAndUnwritableRecordsAreCounted) {
  UdpReceiver rx;
  SipDuplicateOptions o;
  o.duplicate_uri = "127.0.0.1:" + std::to_string(rx.port());
  o.xheaders_write = true;
  SipDuplicateSink sink(o);
  ASSERT_TRUE(sink.open().has_value());
  sink.send(record("{\"log\":1}", 100));
  sink.send(record("not sip and no header end"));
  EXPECT_EQ(sink.stats().droppedBy(SipDuplicateDrop::NotSip), 1u);
  EXPECT_EQ(sink.stats().droppedBy(SipDuplicateDrop::XHeaders), 1u);
  EXPECT_EQ(sink.stats().countOf(SipDuplicateCount::Sent), 0u);
}

TEST(SipDuplicateSinkTest, ParsesDuplicateUriForms) {
  auto a = parseDuplicateTarget("sip:10.0.0.1", "duplicate_uri", 5060);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->toString(), "udp:10.0.0.1:5060");
  auto b = parseDuplicateTarget("sip:[2001:db8::1]:5070;transport=tls", "duplicate_uri", 5060);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->toString(), "udp:[2001:db8::1]:5070");
  auto c = parseDuplicateTarget("udp:127.0.0.1:9", "duplicate_uri", 5060);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->port, 9);
  for (const char* bad : {"sip:capture.example.com:5060", "sip:user@10.0.0.1", "tcp:10.0.0.1:5060",
                          "sip:10.0.0.1:99999", "sip:[::1", "sip:10.0.0.1:"}) {
    auto r = parseDuplicateTarget(bad, "duplicate_uri", 5060);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_EQ(r.error().exit_code, 2);
      EXPECT_NE(r.error().message.find("duplicate_uri"), std::string::npos);
    }
  }
}

TEST(SipDuplicateSinkTest, OpenNamesTheBadKey) {
  SipDuplicateOptions o;
  SipDuplicateSink none(o);
  EXPECT_NE(none.open().error().message.find("duplicate_uri"), std::string::npos);
  o.duplicate_uri = "sip:127.0.0.1:5060";
  o.force_send_sock = "sip:192.0.2.99:5060";  // not an address of this host
  SipDuplicateSink forced(o);
  auto r = forced.open();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("force_send_sock"), std::string::npos);
}

}  // namespace
}  // namespace siphon::sink
