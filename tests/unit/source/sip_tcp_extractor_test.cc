// SipTcpExtractor: SIP messages out of TCP segments, built by hand and read from real
// captures, compared with what tshark 4.0 reports for the same files.

#include "source/sip_tcp_extractor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "net/frame_decoder.h"
#include "source/pcap_file_source.h"

namespace siphon::source {
namespace {

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kAck = 0x10;

struct Got {
  std::string bytes;
  uint64_t ts_us;
  SipStreamTransport transport;
  net::TcpFlowKey flow;
};

class Collect : public SipStreamSink {
 public:
  void onSipMessage(const SipStreamMessage& m) override {
    got.push_back({std::string(m.bytes), m.ts_us, m.transport, *m.flow});
  }
  std::vector<Got> got;
};

std::string sipMessage(std::string_view start, std::string_view call_id,
                       std::string_view body = "") {
  std::string m(start);
  m += "\r\nVia: SIP/2.0/TCP 192.0.2.1:40000;branch=z9hG4bK-";
  m += call_id;
  m += "\r\nCall-ID: ";
  m += call_id;
  m += "\r\nCSeq: 1 OPTIONS\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

class Driver {
 public:
  explicit Driver(SipTcpExtractorConfig config = {}) : x(config) {}
  void seg(uint32_t seq, std::string_view data, uint64_t ts = 1000, uint8_t flags = kAck,
           bool reverse = false, uint16_t client_port = 40000, uint16_t server_port = 5060) {
    net::DecodedPacket p;
    p.ip_version = 4;
    p.ip_proto = net::kIpProtoTcp;
    const auto a = *core::IpAddress::parse("192.0.2.1");
    const auto b = *core::IpAddress::parse("192.0.2.2");
    p.src = reverse ? b : a;
    p.dst = reverse ? a : b;
    p.src_port = reverse ? server_port : client_port;
    p.dst_port = reverse ? client_port : server_port;
    p.tcp.seq = seq;
    p.tcp.flags = flags;
    p.payload = core::asBytes(data);
    x.onPacket(p, ts, out);
  }
  SipTcpExtractor x;
  Collect out;
};

TEST(SipTcpExtractor, SeveralMessagesInOneSegment) {
  Driver d;
  const std::string a = sipMessage("OPTIONS sip:a@b SIP/2.0", "one");
  const std::string b = sipMessage("SIP/2.0 200 OK", "two", "body");
  d.seg(100, "", 1, kSyn);
  d.seg(101, a + "\r\n\r\n" + b, 7);
  ASSERT_EQ(d.out.got.size(), 2u);
  EXPECT_EQ(d.out.got[0].bytes, a);
  EXPECT_EQ(d.out.got[1].bytes, b);
  EXPECT_EQ(d.out.got[1].ts_us, 7u);
  EXPECT_EQ(d.out.got[1].transport, SipStreamTransport::Tcp);
  EXPECT_EQ(d.out.got[1].flow.dst_port, 5060);
  EXPECT_EQ(d.x.stats().streams_sip, 1u);
}

TEST(SipTcpExtractor, SeventyKilobyteBodyOverManySegmentsOutOfOrderWithRetransmissions) {
  Driver d;
  const std::string body(70000, 'b');
  const std::string m = sipMessage("MESSAGE sip:a@b SIP/2.0", "big", body);
  const uint32_t isn = 0xFFFFFF00u;  // wraps inside the body
  d.seg(isn, "", 1, kSyn);
  std::vector<size_t> offsets;
  for (size_t o = 0; o < m.size(); o += 1000) {
    offsets.push_back(o);
  }
  std::swap(offsets[3], offsets[4]);                 // out of order
  offsets.insert(offsets.begin() + 10, offsets[9]);  // exact retransmission
  uint64_t ts = 10;
  for (size_t o : offsets) {
    d.seg(isn + 1 + static_cast<uint32_t>(o), std::string_view(m).substr(o, 1000), ++ts);
    if (o == 20000) {  // overlapping retransmission
      d.seg(isn + 1 + static_cast<uint32_t>(o + 500), std::string_view(m).substr(o + 500, 1000),
            ++ts);
    }
  }
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, m);
  EXPECT_EQ(d.out.got[0].ts_us, ts);  // the segment with the last byte
  EXPECT_GT(d.x.tcpStats().retransmitted_bytes, 0u);
  EXPECT_EQ(d.x.tcpStats().out_of_order_segments, 1u);
}

TEST(SipTcpExtractor, GapThenResynchronisesAtTheNextStartLine) {
  Driver d;
  // Resynchronisation is line by line (sip::StreamFramer), so it finds a start line that
  // begins a line: here the lost message's body ends with CRLF, as SDP bodies do.
  const std::string a = sipMessage("OPTIONS sip:a@b SIP/2.0", "a", std::string(300, 'x') + "\r\n");
  const std::string b = sipMessage("OPTIONS sip:a@b SIP/2.0", "b");
  d.seg(0, "", 1, kSyn);
  d.seg(1, a.substr(0, 100), 2);
  // Bytes 100..199 never arrive; the rest of a and then b do.
  d.seg(201, a.substr(200) + b, 3);
  d.x.flush(d.out);
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, b);
  EXPECT_EQ(d.x.stats().gap_resyncs, 1u);
  EXPECT_EQ(d.x.tcpStats().gaps, 1u);
}

TEST(SipTcpExtractor, GarbageBeforeTheFirstMessage) {
  Driver d;
  const std::string m = sipMessage("INVITE sip:a@b SIP/2.0", "g");
  d.seg(5000, "a=rtpmap:0 PCMU/8000\r\nsome tail of an earlier body\r\n" + m);
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, m);
  EXPECT_EQ(d.x.stats().streams_mid_message, 1u);
}

TEST(SipTcpExtractor, FirstLineSplitAcrossSegments) {
  Driver d;
  const std::string m = sipMessage("INVITE sip:a@b SIP/2.0", "s");
  for (size_t i = 0; i < m.size(); ++i) {
    d.seg(1 + static_cast<uint32_t>(i), m.substr(i, 1), 10 + i);
  }
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, m);
  EXPECT_EQ(d.out.got[0].ts_us, 10 + m.size() - 1);
  EXPECT_EQ(d.x.stats().streams_sip, 1u);
}

TEST(SipTcpExtractor, FinAndRstEndTheStream) {
  Driver d;
  const std::string m = sipMessage("OPTIONS sip:a@b SIP/2.0", "f");
  d.seg(1, m.substr(0, 50));
  d.seg(51, "", 2, kFin | kAck);  // ends inside the message
  d.seg(51, m.substr(50));        // after FIN: dropped
  EXPECT_TRUE(d.out.got.empty());
  EXPECT_EQ(d.x.stats().truncated_at_close, 1u);

  d.seg(1, m, 3, kAck, true);
  d.seg(1 + static_cast<uint32_t>(m.size()), "", 4, kRst, true);
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.x.tcpStats().flows_closed_reset, 1u);
}

TEST(SipTcpExtractor, TlsAndHttpAreIgnoredWithoutBuffering) {
  Driver d;
  std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  hello += std::string(500, '\x11');
  d.seg(1, hello, 1, kAck, false, 40001, 5061);
  for (uint32_t i = 0; i < 100; ++i) {
    d.seg(1 + static_cast<uint32_t>(hello.size()) + i * 1000, std::string(1000, '\x17'), 2, kAck,
          false, 40001, 5061);
  }
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  d.seg(1, get, 3, kAck, false, 40002, 80);
  d.seg(1, ok, 4, kAck, true, 40002, 80);
  EXPECT_TRUE(d.out.got.empty());
  EXPECT_EQ(d.x.stats().streams_tls, 1u);
  EXPECT_EQ(d.x.stats().streams_http, 2u);
  EXPECT_EQ(d.x.stats().ignored_bytes, 100000u + hello.size() + get.size() + ok.size());
}

TEST(SipTcpExtractor, BinaryStreamIsDeclaredNotSipAfterTheBudget) {
  SipTcpExtractorConfig config;
  config.max_unconfirmed_bytes = 10000;
  Driver d(config);
  uint32_t seq = 1;
  for (int i = 0; i < 50; ++i) {
    const std::string junk(1000, static_cast<char>('\x01' + (i % 7)));
    d.seg(seq, junk);
    seq += 1000;
  }
  EXPECT_TRUE(d.out.got.empty());
  EXPECT_EQ(d.x.stats().streams_not_sip, 1u);
  EXPECT_GT(d.x.stats().ignored_bytes, 30000u);
}

TEST(SipTcpExtractor, FramerErrorResetsAndResynchronises) {
  SipTcpExtractorConfig config;
  config.framer.max_body_bytes = 1000;
  Driver d(config);
  const std::string huge = sipMessage("MESSAGE sip:a@b SIP/2.0", "h", std::string(5000, 'z'));
  const std::string ok = sipMessage("OPTIONS sip:a@b SIP/2.0", "ok");
  d.seg(1, huge);
  d.seg(1 + static_cast<uint32_t>(huge.size()), ok);
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, ok);
  EXPECT_EQ(d.x.stats().framer_errors, 1u);
}

std::string wsFrame(std::string_view payload, bool masked, uint8_t opcode = 0x1, bool fin = true) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  const char m = masked ? static_cast<char>(0x80) : 0;
  if (payload.size() > 125) {
    f += static_cast<char>(m | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xFF);
  } else {
    f += static_cast<char>(m | static_cast<char>(payload.size()));
  }
  const char key[4] = {'\x11', '\x22', '\x33', '\x44'};
  if (masked) {
    f.append(key, 4);
  }
  for (size_t i = 0; i < payload.size(); ++i) {
    f += static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0));
  }
  return f;
}

TEST(SipTcpExtractor, SipOverWebSocketBothDirections) {
  Driver d;
  const std::string req =
      "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Protocol: sip\r\n\r\n";
  const std::string resp =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  const std::string reg = sipMessage("REGISTER sip:b SIP/2.0", "w1");
  const std::string ok = sipMessage("SIP/2.0 200 OK", "w1");
  const std::string client =
      req + wsFrame(reg.substr(0, 20), true, 0x1, false) + wsFrame(reg.substr(20), true, 0x0, true);
  d.seg(1, client.substr(0, 30), 1);
  d.seg(31, client.substr(30), 2);
  const std::string server = resp + wsFrame(ok, false);
  d.seg(1, server, 3, kAck, true);
  ASSERT_EQ(d.out.got.size(), 2u);
  EXPECT_EQ(d.out.got[0].bytes, reg);
  EXPECT_EQ(d.out.got[0].transport, SipStreamTransport::Ws);
  EXPECT_EQ(d.out.got[0].ts_us, 2u);
  EXPECT_EQ(d.out.got[1].bytes, ok);
  EXPECT_EQ(d.x.stats().streams_websocket, 2u);
  EXPECT_EQ(d.x.stats().ws_messages, 2u);
}

TEST(SipTcpExtractor, WebSocketSeenMidStream) {
  Driver d;
  const std::string reg = sipMessage("REGISTER sip:b SIP/2.0", "w2");
  d.seg(1, wsFrame(reg, true) + wsFrame("{\"not\":\"sip\"}", true), 1);
  ASSERT_EQ(d.out.got.size(), 1u);
  EXPECT_EQ(d.out.got[0].bytes, reg);
  EXPECT_EQ(d.x.stats().ws_not_sip, 1u);
}

TEST(SipTcpExtractor, ManyFlowsStayWithinTheFlowLimit) {
  SipTcpExtractorConfig config;
  config.tcp.max_flows = 16;
  Driver d(config);
  const std::string m = sipMessage("OPTIONS sip:a@b SIP/2.0", "m");
  for (uint16_t p = 1; p <= 200; ++p) {
    d.seg(1, m.substr(0, 40), p, kAck, false, p);
  }
  EXPECT_LE(d.x.tcpStats().flows, 16u);
  EXPECT_EQ(d.x.tcpStats().flows_evicted, 200u - 16u);
  EXPECT_EQ(d.x.stats().truncated_at_close, 200u - 16u);
}

// --- Real captures -------------------------------------------------------------------------

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

struct Expected {
  uint64_t frame;  // tshark's frame number (for the reader; not checked)
  uint64_t ts_us;
  size_t length;
  uint64_t fnv;
};

struct FileResult {
  Collect out;
  SipTcpExtractorStats stats;
  bool decoded_all_tcp = true;
};

FileResult extractFile(const std::string& name) {
  FileResult r;
  auto src = PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name);
  EXPECT_TRUE(src.has_value()) << name;
  if (!src) {
    return r;
  }
  SipTcpExtractor x;
  for (int i = 0; i < 1000000; ++i) {
    auto next = (*src)->next();
    if (!next || !next->has_value()) {
      break;
    }
    const RawPacket& raw = **next;
    auto p = net::decodeFrame(raw.link_type, raw.bytes);
    if (!p) {
      continue;
    }
    if (p->ip_proto != net::kIpProtoTcp && p->ip_proto != net::kIpProtoUdp) {
      r.decoded_all_tcp = false;  // e.g. a tunnel the decoder does not open
    }
    const uint64_t ts = uint64_t{raw.ts_sec} * 1000000u + raw.tsUsec();
    x.onPacket(*p, ts, r.out);
  }
  x.flush(r.out);
  r.stats = x.stats();
  return r;
}

void expectSame(const FileResult& r, const std::vector<Expected>& want) {
  ASSERT_EQ(r.out.got.size(), want.size());
  // Per half-flow order is the stream order; across flows the capture order. Match each
  // expected message by time and content.
  std::vector<bool> used(r.out.got.size(), false);
  for (const auto& w : want) {
    bool found = false;
    for (size_t i = 0; i < r.out.got.size() && !found; ++i) {
      const Got& g = r.out.got[i];
      if (!used[i] && g.ts_us == w.ts_us && g.bytes.size() == w.length && fnv1a(g.bytes) == w.fnv) {
        used[i] = true;
        found = true;
      }
    }
    EXPECT_TRUE(found) << "tshark frame " << w.frame << " (" << w.length << " bytes) not matched";
  }
}

// Expected values: tshark 4.0.17 `-Y "sip && tcp"`, one row per SIP message (Request-Line or
// Status-Line), timestamp of the frame tshark shows it in (the last segment of a reassembled
// PDU), length and FNV-1a 64 of the message bytes (tcp.reassembled.data or tcp.payload, cut at
// Content-Length; WebSocket payloads unmasked).

TEST(SipTcpExtractorPcap, HeplifySipOverTcp) {
  const FileResult r = extractFile("heplify__sip_ipv4_tcp.pcap");
  expectSame(r, {
                    {3, 1311857686562096u, 788u, 0x68c8c55e7fb1ca33ull},
                    {5, 1311857686602589u, 447u, 0xc4baed6cb9b70278ull},
                    {7, 1311857686621123u, 499u, 0xfc545e64410cfc33ull},
                    {9, 1311857690905636u, 752u, 0xe5afa2eed373ce0bull},
                    {11, 1311857690933132u, 536u, 0x87c055ea334d6a1cull},
                    {81, 1311857693057152u, 536u, 0x3f70bfba45f7d6eaull},
                    {83, 1311857693088359u, 477u, 0x6123858b07476b0eull},
                });
}

TEST(SipTcpExtractorPcap, SuricataSipTcp) {
  const FileResult r = extractFile("suricata-verify__sip-tcp.pcap");
  expectSame(r, {
                    {6, 1643827934643277u, 585u, 0x352efa94e99981ccull},
                    {8, 1643827934643471u, 491u, 0xe66a8018ad115095ull},
                });
}

TEST(SipTcpExtractorPcap, HeplifySipOverWebSocket) {
  // 39 SIP messages in the file: 28 over UDP (not this extractor's) and these 11 over WS.
  const FileResult r = extractFile("heplify__sip_tcp_websocket.pcap");
  expectSame(r, {
                    {11, 1542051165605116u, 2210u, 0xdbb83d43523d2e66ull},
                    {13, 1542051165605543u, 560u, 0xa2904cac84469f52ull},
                    {15, 1542051165661059u, 453u, 0x0b85cf7be8440b17ull},
                    {18, 1542051165661824u, 2509u, 0x5bf3a0465853bca2ull},
                    {19, 1542051165662312u, 381u, 0x5428a8c2359052a4ull},
                    {24, 1542051165687796u, 1104u, 0x752a23cab14b5cd5ull},
                    {34, 1542051166835286u, 2114u, 0x790df664bf4f9e32ull},
                    {46, 1542051174593142u, 2100u, 0x13ff5f08500864efull},
                    {49, 1542051174646335u, 598u, 0xa9ec752208f4d48full},
                    {52, 1542051177928829u, 598u, 0xb007588ae35f5096ull},
                    {56, 1542051177933500u, 548u, 0xbdc3d921b49535b5ull},
                });
  EXPECT_EQ(r.stats.ws_messages, 11u);
}

TEST(SipTcpExtractorPcap, SyntheticReassemblyCapture) {
  // Made by tests/data/pcap/make_synthetic_sip_tcp.py; tshark counts 9 SIP messages.
  const FileResult r = extractFile("synthetic__sip_tcp_reassembly.pcap");
  expectSame(r, {
                    {4, 1700000000004000u, 207u, 0x683358e566e5b9e7ull},
                    {4, 1700000000004000u, 205u, 0x5d79820e796f5d42ull},
                    {5, 1700000000005000u, 186u, 0x2a70f9e2fb90b45eull},
                    {5, 1700000000005000u, 186u, 0x03c856d4d0ad8b44ull},
                    {59, 1700000000059000u, 70237u, 0x44af116d7d2b66a9ull},
                    {60, 1700000000060000u, 186u, 0xba9c6a7b433fdac6ull},
                    {62, 1700000000062000u, 199u, 0xc8099b104b1db7cfull},
                    {63, 1700000000063000u, 186u, 0xfdbf45903266a306ull},
                    {68, 1700000000068000u, 241u, 0x8a8017642b3c3dcbull},
                });
  EXPECT_EQ(r.stats.streams_tls, 1u);
  EXPECT_EQ(r.stats.streams_http, 1u);
}

TEST(SipTcpExtractorPcap, SngrepIpipMixedPaths) {
  // One TCP connection seen both plainly and inside IPv4-in-IPv4 (needs the decoder's tunnel
  // support); the capture starts mid-connection.
  const FileResult r = extractFile("sngrep__ipip.pcap");
  if (!r.decoded_all_tcp) {
    GTEST_SKIP() << "frame decoder does not open IP-in-IP here";
  }
  expectSame(r, {
                    {1, 1639489747335564u, 1103u, 0xa7872ef23249157bull},
                    {2, 1639489747345980u, 621u, 0xfb73c7ced1d72543ull},
                    {3, 1639489748995124u, 616u, 0x71f69009096541d7ull},
                    {4, 1639489781007679u, 409u, 0x9955467d5edf7e72ull},
                });
}

}  // namespace
}  // namespace siphon::source
