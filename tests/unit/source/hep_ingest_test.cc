// HepIngest, the decode step of every HEP listener: a packet in, one record decoded once out
// (owning a copy of the bytes), or a counted drop.

#include "source/hep_ingest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "support/collecting_ingress.h"
#include "support/records.h"

namespace siphon::source {
namespace {

const std::string kSip = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: in-1\r\n\r\n";

std::vector<std::byte> hepPacket(uint8_t version) { return support::hepPacket(kSip, {}, version); }

TEST(HepIngest, DecodesEachVersionOnceIntoARecordThatOwnsItsBytes) {
  support::CollectingIngress pushed;
  HepIngest ingest("udp:127.0.0.1:9060", 3, pushed, {});
  for (uint8_t v : {1, 2, 3}) {
    auto packet = hepPacket(v);
    EXPECT_TRUE(ingest.accept(packet, /*from_stream=*/false));
    packet.assign(packet.size(), std::byte{0});  // the record must not view the caller's buffer
  }
  auto records = pushed.take();
  ASSERT_EQ(records.size(), 3u);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    EXPECT_EQ(r->meta().hep_version, i + 1);
    EXPECT_EQ(core::asText(r->meta().payload), kSip);
    EXPECT_EQ(r->source, 3) << "the listener's index travels with the record";
  }
  EXPECT_EQ(ingest.stats().countOf(HepIngestCount::Received), 3u);
  for (auto p : pushed.policies()) EXPECT_EQ(p, PushPolicy::DropWhenFull);
}

TEST(HepIngest, WhatIsNotHepIsCountedBadHep) {
  support::CollectingIngress pushed;
  HepIngest ingest("udp:127.0.0.1:9060", 0, pushed, {});
  EXPECT_FALSE(ingest.accept(core::asBytes(kSip), false));
  const std::string short_chunk("HEP3\x00\x0c\x00\x00\x00\x01\x00\x05", 12);
  EXPECT_FALSE(ingest.accept(core::asBytes(short_chunk), false));
  EXPECT_EQ(pushed.size(), 0u);
  EXPECT_EQ(ingest.stats().countOf(HepIngestCount::Received), 2u);
  EXPECT_EQ(ingest.stats().droppedBy(HepIngestDrop::BadHep), 2u);
}

TEST(HepIngest, StreamsTakeOnlyHepV3) {
  support::CollectingIngress pushed;
  HepIngest ingest("tcp:127.0.0.1:9060", 0, pushed, {});
  EXPECT_FALSE(ingest.accept(hepPacket(2), /*from_stream=*/true));  // §1.1: only "HEP3" frames
  EXPECT_TRUE(ingest.accept(hepPacket(3), /*from_stream=*/true));
  EXPECT_EQ(ingest.stats().droppedBy(HepIngestDrop::BadHep), 1u);
}

TEST(HepIngest, PlainSipDatagramsBecomeNonHepRecordsWhenAsked) {
  support::CollectingIngress pushed;
  HepIngestOptions o;
  o.plain_sip = true;  // xheaders_read: the X-Siptrace reader decides later
  HepIngest ingest("udp:127.0.0.1:9060", 0, pushed, o);
  EXPECT_TRUE(ingest.accept(core::asBytes(kSip), /*from_stream=*/false));
  EXPECT_FALSE(ingest.accept(core::asBytes(kSip), /*from_stream=*/true));  // never on a stream
  auto records = pushed.take();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->meta().hep_version, 0);
  EXPECT_EQ(records[0]->meta().ts_sec, 0u) << "no time: the arrival-time processor stamps it";
  EXPECT_EQ(core::asText(records[0]->meta().payload), kSip);
}

TEST(HepIngest, StreamAndKernelLossesAreCountedByReason) {
  support::CollectingIngress pushed;
  HepIngest ingest("udp:127.0.0.1:9060", 0, pushed, {});
  ingest.streamBroken();
  ingest.kernelDropped(7);
  auto s = ingest.stats().snapshot();
  EXPECT_EQ(s.stage, "udp:127.0.0.1:9060");
  EXPECT_EQ(s.kind, "source");
  EXPECT_EQ(s.dropped("stream_error"), 1u);
  EXPECT_EQ(s.dropped("kernel_buffer"), 7u);
  EXPECT_EQ(s.droppedTotal(), 8u);
}

}  // namespace
}  // namespace siphon::source
