#include "source/hep_stream_buffer.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "support/collecting_ingress.h"
#include "support/records.h"

namespace siphon::source {
namespace {

std::vector<std::byte> packet(const std::string& payload) {
  support::CaptureSpec tcp;
  tcp.ip_proto = 6;
  return support::hepPacket(payload, tcp);
}

TEST(HepStreamBuffer, FramesPacketsSplitAnywhereAndSeveralPerRead) {
  std::string a = "OPTIONS sip:a SIP/2.0\r\n\r\n", b = "SIP/2.0 200 OK\r\n\r\n";
  std::vector<std::byte> stream;
  for (int i = 0; i < 3; ++i) {
    for (const auto& p : {packet(a), packet(b)}) stream.insert(stream.end(), p.begin(), p.end());
  }
  for (size_t chunk = 1; chunk <= stream.size(); chunk += 7) {
    support::CollectingIngress records;
    HepIngest ingest("tcp:127.0.0.1:9060", 0, records, {});
    HepStreamBuffer buffer;
    for (size_t off = 0; off < stream.size(); off += chunk) {
      size_t n = std::min(chunk, stream.size() - off);
      ASSERT_TRUE(buffer.feed(std::span<const std::byte>(stream).subspan(off, n), ingest));
    }
    EXPECT_EQ(ingest.stats().countOf(HepIngestCount::Received), 6u) << chunk;
    EXPECT_EQ(records.size(), 6u);
  }
}

TEST(HepStreamBuffer, GarbageBreaksTheStreamAndIsCounted) {
  support::CollectingIngress records;
  HepIngest ingest("tcp:127.0.0.1:9060", 0, records, {});
  HepStreamBuffer buffer;
  auto good = packet("OPTIONS sip:a SIP/2.0\r\n\r\n");
  ASSERT_TRUE(buffer.feed(good, ingest));
  std::string junk = "GET / HTTP/1.1\r\n\r\n";
  EXPECT_FALSE(buffer.feed(core::asBytes(junk), ingest));
  // Issue 15: what broke the stream is received too, so that received = pushed + dropped.
  EXPECT_EQ(ingest.stats().countOf(HepIngestCount::Received), 2u);
  EXPECT_EQ(ingest.stats().droppedBy(HepIngestDrop::StreamError), 1u);
  EXPECT_EQ(records.size(), 1u);
}

// Issue 15: a stream cut in the middle of a packet balances its counts: the partial packet is
// received and dropped (stream_cut), at every cut point.
TEST(HepStreamBuffer, AStreamCutMidPacketBalancesAtEveryCutPoint) {
  std::vector<std::byte> stream;
  for (int i = 0; i < 3; ++i) {
    auto p = packet("OPTIONS sip:a SIP/2.0\r\nCall-ID: cut-" + std::to_string(i) + "\r\n\r\n");
    stream.insert(stream.end(), p.begin(), p.end());
  }
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    support::CollectingIngress records;
    HepIngest ingest("tcp:127.0.0.1:9060", 0, records, {});
    HepStreamBuffer buffer;
    ASSERT_TRUE(buffer.feed(std::span<const std::byte>(stream).first(cut), ingest));
    buffer.finish(ingest);  // the peer closed here
    const auto& s = ingest.stats();
    const uint64_t received = s.countOf(HepIngestCount::Received);
    EXPECT_EQ(received, records.size() + s.droppedTotal()) << "cut at " << cut;
    const bool whole = cut == stream.size() / 3 || cut == 2 * stream.size() / 3;
    EXPECT_EQ(s.droppedBy(HepIngestDrop::StreamCut), whole ? 0u : 1u) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace siphon::source
