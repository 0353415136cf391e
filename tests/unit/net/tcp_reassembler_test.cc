// TcpReassembler: ordering, retransmissions, wrap, gaps, close, expiry and memory bounds.

#include "net/tcp_reassembler.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/byte_reader.h"

namespace siphon::net {
namespace {

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kAck = 0x10;

struct Recorded {
  TcpEventKind kind;
  TcpFlowKey flow;
  std::string data;
  uint64_t ts_us;
  uint64_t gap_bytes;
  TcpGapReason gap_reason;
  TcpCloseReason close_reason;
  const std::byte* data_ptr;
};

class Recorder : public TcpEventSink {
 public:
  void onTcpEvent(const TcpEvent& e) override {
    events.push_back({e.kind, *e.flow, std::string(core::asText(e.data)), e.ts_us, e.gap_bytes,
                      e.gap_reason, e.close_reason, e.data.data()});
  }
  /// The delivered stream of one direction, with "<gap N>" markers.
  std::string stream(const TcpFlowKey& k) const {
    std::string out;
    for (const auto& e : events) {
      if (!(e.flow == k)) {
        continue;
      }
      if (e.kind == TcpEventKind::Data) {
        out += e.data;
      } else if (e.kind == TcpEventKind::Gap) {
        out += "<gap " + std::to_string(e.gap_bytes) + ">";
      } else {
        out += "<closed>";
      }
    }
    return out;
  }
  size_t count(TcpEventKind kind) const {
    size_t n = 0;
    for (const auto& e : events) {
      n += e.kind == kind ? 1 : 0;
    }
    return n;
  }
  std::vector<Recorded> events;
};

TcpFlowKey key(uint16_t sport = 40000, uint16_t dport = 5060) {
  return {*core::IpAddress::parse("192.0.2.1"), *core::IpAddress::parse("192.0.2.2"), sport, dport};
}

class Feeder {
 public:
  explicit Feeder(TcpReassemblerLimits limits = {}) : r(limits) {}
  void seg(const TcpFlowKey& k, uint32_t seq, std::string_view data, uint64_t ts = 1000,
           uint8_t flags = kAck) {
    TcpInfo info;
    info.seq = seq;
    info.flags = flags;
    r.feedSegment(k, info, core::asBytes(data), ts, rec);
  }
  TcpReassembler r;
  Recorder rec;
};

TEST(TcpReassembler, InOrderSegmentsAreDeliveredWithoutCopy) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 100, "", 1, kSyn);
  const std::string a = "hello ";
  const std::string b = "world";
  f.seg(k, 101, a, 2);
  f.seg(k, 107, b, 3);
  EXPECT_EQ(f.rec.stream(k), "hello world");
  ASSERT_EQ(f.rec.events.size(), 2u);
  // Zero copy: the event views the caller's bytes.
  EXPECT_EQ(f.rec.events[0].data_ptr, reinterpret_cast<const std::byte*>(a.data()));
  EXPECT_EQ(f.rec.events[1].data_ptr, reinterpret_cast<const std::byte*>(b.data()));
  EXPECT_EQ(f.rec.events[1].ts_us, 3u);
  EXPECT_EQ(f.r.stats().in_order_segments, 2u);
  EXPECT_EQ(f.r.stats().out_of_order_segments, 0u);
}

TEST(TcpReassembler, MidStreamFlowStartsAtItsFirstDataSegment) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 5000, "");  // a pure ACK anchors nothing
  f.seg(k, 7000, "abc");
  f.seg(k, 7003, "def");
  f.seg(k, 6990, "0123456789");  // before the start: taken as already delivered
  EXPECT_EQ(f.rec.stream(k), "abcdef");
  EXPECT_EQ(f.r.stats().retransmitted_segments, 1u);
}

TEST(TcpReassembler, OutOfOrderSegmentsWaitForTheHole) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 0, "", 1, kSyn);
  f.seg(k, 1, "aaa", 10);
  f.seg(k, 7, "ccc", 20);
  f.seg(k, 10, "ddd", 30);
  EXPECT_EQ(f.rec.stream(k), "aaa");
  EXPECT_EQ(f.r.stats().buffered_bytes, 6u);
  f.seg(k, 4, "bbb", 40);
  EXPECT_EQ(f.rec.stream(k), "aaabbbcccddd");
  // Buffered bytes carry the time of the segment that filled the hole (tshark's frame of the
  // reassembled PDU is the last one needed).
  EXPECT_EQ(f.rec.events.back().ts_us, 40u);
  EXPECT_EQ(f.r.stats().buffered_bytes, 0u);
  EXPECT_EQ(f.r.stats().out_of_order_segments, 2u);
}

TEST(TcpReassembler, RetransmissionsAreNotDeliveredTwice) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 0, "", 1, kSyn);
  f.seg(k, 1, "abcd");
  f.seg(k, 1, "abcd");    // exact
  f.seg(k, 3, "cdefgh");  // overlaps the delivered "cd"
  f.seg(k, 11, "klm");    // ahead: buffered
  f.seg(k, 11, "klm");    // same out-of-order segment again
  f.seg(k, 12, "lmno");   // overlaps the buffered one
  f.seg(k, 9, "ijk");     // fills the hole, overlaps the buffer
  EXPECT_EQ(f.rec.stream(k), "abcdefghijklmno");
  EXPECT_EQ(f.r.stats().retransmitted_segments, 2u);
  EXPECT_EQ(f.r.stats().delivered_bytes, 15u);
}

TEST(TcpReassembler, SequenceNumbersWrap) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 0xFFFFFFFAu, "", 1, kSyn);  // first data byte at 0xFFFFFFFB
  f.seg(k, 0xFFFFFFFBu, "01234");      // up to 0xFFFFFFFF
  f.seg(k, 0x00000005u, "ABC");        // after the wrap, out of order
  f.seg(k, 0x00000000u, "56789");      // fills 0..4
  f.seg(k, 0xFFFFFFFEu, "34567");      // retransmission across the wrap
  f.seg(k, 0x00000008u, "DEF");
  EXPECT_EQ(f.rec.stream(k), "0123456789ABCDEF");
  EXPECT_EQ(f.r.stats().retransmitted_segments, 1u);
}

TEST(TcpReassembler, LongStreamPastTheWrapKeepsItsOffsets) {
  Feeder f;
  const TcpFlowKey k = key();
  uint32_t seq = 0xFFFF0000u;
  f.seg(k, seq - 1, "", 1, kSyn);
  const std::string chunk(1000, 'x');
  for (int i = 0; i < 200; ++i) {  // 200 KB, crossing 2^32 once
    f.seg(k, seq, chunk);
    seq += 1000;
  }
  EXPECT_EQ(f.r.stats().delivered_bytes, 200000u);
  EXPECT_EQ(f.r.stats().gaps, 0u);
}

TEST(TcpReassembler, BufferLimitSkipsTheHoleWithAGap) {
  TcpReassemblerLimits limits;
  limits.max_flow_buffered_bytes = 8;
  Feeder f(limits);
  const TcpFlowKey k = key();
  f.seg(k, 0, "", 1, kSyn);
  f.seg(k, 1, "aa");
  f.seg(k, 5, "cccc");   // hole of 2 bytes, 4 buffered
  f.seg(k, 9, "dddd");   // 8 buffered
  f.seg(k, 13, "eeee");  // would be 12: give up on the hole
  EXPECT_EQ(f.rec.stream(k), "aa<gap 2>ccccddddeeee");
  EXPECT_EQ(f.r.stats().gaps_buffer_limit, 1u);
  EXPECT_EQ(f.r.stats().gap_bytes, 2u);
  EXPECT_EQ(f.r.stats().buffered_bytes, 0u);
  f.seg(k, 3, "bb");  // the hole's bytes, too late
  EXPECT_EQ(f.rec.stream(k), "aa<gap 2>ccccddddeeee");
}

TEST(TcpReassembler, SegmentLimitAndSegmentLargerThanTheBuffer) {
  TcpReassemblerLimits limits;
  limits.max_flow_buffered_segments = 2;
  limits.max_flow_buffered_bytes = 4;
  Feeder f(limits);
  const TcpFlowKey k = key();
  f.seg(k, 1, "a");
  f.seg(k, 3, "c");
  f.seg(k, 5, "e");
  f.seg(k, 7, "g");  // third buffered segment: over the segment limit
  EXPECT_EQ(f.rec.stream(k), "a<gap 1>c<gap 1>e<gap 1>g");
  f.seg(k, 20, std::string(100, 'z'));  // larger than the whole buffer: delivered after a gap
  EXPECT_EQ(f.rec.stream(k), "a<gap 1>c<gap 1>e<gap 1>g<gap 12>" + std::string(100, 'z'));
}

TEST(TcpReassembler, TotalBufferIsBoundedOverAllFlows) {
  TcpReassemblerLimits limits;
  limits.max_total_buffered_bytes = 1000;
  Feeder f(limits);
  for (uint16_t p = 1; p <= 50; ++p) {
    const TcpFlowKey k = key(p);
    f.seg(k, 1, "x");
    f.seg(k, 100, std::string(100, 'y'));  // every flow opens a hole and buffers 100 bytes
    EXPECT_LE(f.r.stats().buffered_bytes, 1000u);
  }
  EXPECT_GT(f.r.stats().gaps_buffer_limit, 0u);
  EXPECT_EQ(f.r.stats().flows, 50u);
}

TEST(TcpReassembler, HoleOlderThanTheGapTimeoutIsSkipped) {
  TcpReassemblerLimits limits;
  limits.gap_timeout_us = 1000;
  Feeder f(limits);
  const TcpFlowKey k = key();
  f.seg(k, 1, "a", 10);
  f.seg(k, 3, "c", 20);
  f.seg(k, 4, "d", 500);
  EXPECT_EQ(f.rec.stream(k), "a");
  f.seg(k, 5, "e", 2000);  // the hole opened at 20 is now 1980 µs old
  EXPECT_EQ(f.rec.stream(k), "a<gap 1>cde");
  EXPECT_EQ(f.r.stats().gaps_timeout, 1u);

  // A flow that goes quiet with a hole: the periodic sweep skips it.
  const TcpFlowKey q = key(41000);
  f.seg(q, 1, "a", 3000);
  f.seg(q, 3, "c", 3000);
  f.r.expireIdle(10000, f.rec);
  EXPECT_EQ(f.rec.stream(q), "a<gap 1>c");
}

TEST(TcpReassembler, FinClosesAfterTheLastByte) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 0, "", 1, kSyn);
  f.seg(k, 4, "def", 2, kAck | kFin);  // FIN arrives before the bytes in front of it
  EXPECT_EQ(f.rec.stream(k), "");
  f.seg(k, 1, "abc", 3);
  EXPECT_EQ(f.rec.stream(k), "abcdef<closed>");
  EXPECT_EQ(f.rec.events.back().close_reason, TcpCloseReason::Fin);
  f.seg(k, 4, "def", 4, kAck | kFin);  // a retransmitted FIN after close: nothing new
  f.seg(k, 7, "late", 5);              // data after the FIN: dropped
  EXPECT_EQ(f.rec.stream(k), "abcdef<closed>");
  EXPECT_EQ(f.r.stats().dropped_after_close, 1u);
  EXPECT_EQ(f.r.stats().flows_closed_fin, 1u);
}

TEST(TcpReassembler, RstClosesBothDirectionsAndDropsWaitingBytes) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 1, "ab");
  f.seg(k, 10, "zz");  // waits behind a hole
  f.seg(k.reversed(), 500, "reply");
  f.seg(k.reversed(), 505, "", 9, kRst | kAck);
  EXPECT_EQ(f.rec.stream(k), "ab<closed>");
  EXPECT_EQ(f.rec.stream(k.reversed()), "reply<closed>");
  EXPECT_EQ(f.r.stats().flows_closed_reset, 2u);
  EXPECT_EQ(f.r.stats().dropped_on_reset_bytes, 2u);
  EXPECT_EQ(f.r.stats().buffered_bytes, 0u);
}

TEST(TcpReassembler, NewSynOnTheSameTupleStartsANewStream) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 100, "", 1, kSyn);
  f.seg(k, 101, "old", 2);
  f.seg(k, 100, "", 3, kSyn);  // retransmitted SYN: same stream
  f.seg(k, 104, "er", 4);
  f.seg(k, 9000, "", 5, kSyn);  // new ISN: a new connection
  f.seg(k, 9001, "new", 6);
  EXPECT_EQ(f.rec.stream(k), "older<closed>new");
  EXPECT_EQ(f.r.stats().flows_restarted, 1u);
}

TEST(TcpReassembler, IdleFlowsExpireAndTheOldestIsEvicted) {
  TcpReassemblerLimits limits;
  limits.idle_timeout_us = 1'000'000;
  limits.max_flows = 2;
  Feeder f(limits);
  const TcpFlowKey a = key(1);
  const TcpFlowKey b = key(2);
  const TcpFlowKey c = key(3);
  f.seg(a, 1, "a", 100);
  f.seg(b, 1, "b", 200);
  f.seg(a, 2, "A", 300);  // a is now the most recently active
  f.seg(c, 1, "c", 400);  // third flow: b is evicted
  EXPECT_EQ(f.rec.stream(b), "b<closed>");
  EXPECT_EQ(f.r.stats().flows_evicted, 1u);
  EXPECT_EQ(f.r.stats().flows, 2u);
  f.r.expireIdle(1'000'350, f.rec);  // a last seen at 300, c at 400
  EXPECT_EQ(f.rec.stream(a), "aA<closed>");
  EXPECT_EQ(f.rec.stream(c), "c");
  EXPECT_EQ(f.r.stats().flows_expired, 1u);
  // Expiry also runs from feed() as capture time moves on.
  f.seg(key(4), 1, "d", 3'000'000);
  EXPECT_EQ(f.rec.stream(c), "c<closed>");
}

TEST(TcpReassembler, FlushDeliversWhatWaitsBehindAHole) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 1, "ab");
  f.seg(k, 5, "ef");
  f.r.flushAll(f.rec);
  EXPECT_EQ(f.rec.stream(k), "ab<gap 2>ef<closed>");
  EXPECT_EQ(f.rec.events.back().close_reason, TcpCloseReason::Flushed);
  EXPECT_EQ(f.r.stats().flows, 0u);
  EXPECT_EQ(f.r.stats().buffered_bytes, 0u);
}

TEST(TcpReassembler, DirectionsAreIndependent) {
  Feeder f;
  const TcpFlowKey k = key();
  f.seg(k, 10, "request");
  f.seg(k.reversed(), 99, "response");
  EXPECT_EQ(f.rec.stream(k), "request");
  EXPECT_EQ(f.rec.stream(k.reversed()), "response");
}

TEST(TcpReassembler, ContextLivesUntilClosed) {
  struct Counted : TcpFlowContext {
    explicit Counted(int* n) : live(n) { ++*live; }
    ~Counted() override { --*live; }
    int* live;
  };
  int live = 0;
  struct Attacher : TcpEventSink {
    void onTcpEvent(const TcpEvent& e) override {
      if (!*e.context) {
        *e.context = std::make_unique<Counted>(live);
      }
    }
    int* live;
  } sink;
  sink.live = &live;
  TcpReassembler r;
  TcpInfo info;
  info.seq = 1;
  info.flags = kAck;
  r.feedSegment(key(), info, core::asBytes("x"), 1, sink);
  EXPECT_EQ(live, 1);
  info.seq = 2;
  info.flags = kAck | kFin;
  r.feedSegment(key(), info, {}, 2, sink);
  EXPECT_EQ(live, 0);
}

TEST(TcpReassembler, NonTcpPacketsAreCounted) {
  TcpReassembler r;
  Recorder rec;
  DecodedPacket p;
  p.ip_proto = kIpProtoUdp;
  r.feed(p, 1, rec);
  p.ip_proto = kIpProtoTcp;
  p.fragment = Fragment::First;
  r.feed(p, 1, rec);
  EXPECT_EQ(r.stats().not_tcp, 2u);
  EXPECT_TRUE(rec.events.empty());
}

}  // namespace
}  // namespace siphon::net
