// FrameRecordExtractor: frames in, owned records out, each decoded once — sniffed SIP with its
// addresses and capture time, HEP found in a capture decoded into views of the record's own
// copy, content (not the port) deciding what is SIP, and every skip counted.

#include "source/frame_record_extractor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "net/link_type.h"
#include "record/parsed_sip.h"
#include "source/pcap_file_source.h"
#include "support/frame_builder.h"
#include "support/records.h"

namespace siphon::source {
namespace {

namespace fb = net::test;

const std::string kOptions =
    "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: fre-1\r\n"
    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

// A frame held with its bytes: RawPacket only borrows them.
struct Frame {
  std::vector<std::byte> bytes;
  RawPacket packet(uint32_t ts_sec = 1700000000, uint32_t ts_usec = 250) const {
    RawPacket p;
    p.ts_sec = ts_sec;
    p.ts_nsec = ts_usec * 1000;
    p.link_type = static_cast<uint32_t>(net::LinkType::Ethernet);
    p.bytes = bytes;
    p.wire_length = static_cast<uint32_t>(bytes.size());
    return p;
  }
};

Frame udpFrame(uint16_t sport, uint16_t dport, std::string_view payload) {
  return {fb::ethernet(0x0800, fb::ipv4(17, fb::udp(sport, dport, payload)))};
}

// Collects what the extractor hands out.
struct Collected {
  std::vector<core::Capture> records;
  FrameRecordExtractor extractor;
  explicit Collected(FrameRecordExtractorOptions o = {})
      : extractor(std::move(o), [this](core::Capture&& c) { records.push_back(std::move(c)); }) {}
};

bool within(std::span<const std::byte> view, const std::vector<std::byte>& owner) {
  return view.empty() ||
         (view.data() >= owner.data() && view.data() + view.size() <= owner.data() + owner.size());
}

TEST(FrameRecordExtractor, SniffedSipOwnsItsPayloadWithAddressesAndCaptureTime) {
  Collected c;
  {
    Frame f = udpFrame(5060, 5080, kOptions);
    c.extractor.onFrame(f.packet());
  }  // the frame is gone: the record must not view it
  ASSERT_EQ(c.records.size(), 1u);
  const auto& r = c.records[0];
  EXPECT_EQ(core::asText(r.meta.payload), kOptions);
  EXPECT_TRUE(within(r.meta.payload, r.raw));
  EXPECT_EQ(r.meta.hep_version, 0);
  EXPECT_EQ(r.meta.ip_proto, 17);
  EXPECT_EQ(r.meta.src_ip.toString(), "10.0.0.1");
  EXPECT_EQ(r.meta.dst_ip.toString(), "10.0.0.2");
  EXPECT_EQ(r.meta.src_port, 5060);
  EXPECT_EQ(r.meta.dst_port, 5080);
  EXPECT_EQ(r.meta.ts_sec, 1700000000u);
  EXPECT_EQ(r.meta.ts_usec, 250u);
  EXPECT_EQ(c.extractor.counters().records, 1u);
}

TEST(FrameRecordExtractor, HepInACaptureIsDecodedOnceIntoTheRecordsOwnBytes) {
  support::CaptureSpec spec;
  spec.src = "192.0.2.1";
  spec.dst = "192.0.2.2";
  spec.sport = 5061;
  spec.dport = 5062;
  spec.ts_us = 1'600'000'000'000'007;
  spec.capture_id = 2001;
  spec.correlation = "corr-hep";
  spec.node = "edge-9";
  const auto hep = support::hepPacket(kOptions, spec);
  ASSERT_FALSE(hep.empty());
  Collected c;
  {
    Frame f = udpFrame(40000, 9060, core::asText(hep));
    c.extractor.onFrame(f.packet());
  }
  ASSERT_EQ(c.records.size(), 1u);
  const auto& r = c.records[0];
  EXPECT_EQ(r.meta.hep_version, 3);
  EXPECT_EQ(r.meta.src_ip.toString(), "192.0.2.1");  // the inner addresses, not the frame's
  EXPECT_EQ(r.meta.dst_port, 5062);
  EXPECT_EQ(r.meta.ts_sec, 1600000000u);  // the HEP time, not the frame's
  EXPECT_EQ(r.meta.capture_id, 2001u);
  EXPECT_EQ(r.meta.correlation_id, "corr-hep");
  EXPECT_EQ(r.meta.node_name, "edge-9");
  EXPECT_EQ(core::asText(r.meta.payload), kOptions);
  EXPECT_TRUE(within(r.meta.payload, r.raw));
  EXPECT_TRUE(within(core::asBytes(r.meta.correlation_id), r.raw));
}

TEST(FrameRecordExtractor, HepV1WithoutTimeGetsTheFramesCaptureTime) {
  const auto hep = support::hepPacket(kOptions, {}, /*version=*/1);
  ASSERT_FALSE(hep.empty());
  Collected c;
  Frame f = udpFrame(40000, 9060, core::asText(hep));
  c.extractor.onFrame(f.packet(1700000123, 456));
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].meta.ts_sec, 1700000123u);
  EXPECT_EQ(c.records[0].meta.ts_usec, 456u);
}

TEST(FrameRecordExtractor, BrokenHepIsCountedByReasonNotEmitted) {
  const std::string broken("HEP3\x00\x0c\x00\x00\x00\x01\x00\x05", 12);  // chunk length 5 < 6
  Collected c;
  Frame f = udpFrame(40000, 9060, broken);
  c.extractor.onFrame(f.packet());
  EXPECT_TRUE(c.records.empty());
  auto errors = c.extractor.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors.begin()->first.starts_with("hep_")) << errors.begin()->first;
  auto snap = c.extractor.snapshot("pcap");
  EXPECT_EQ(snap.kind, "source");
  EXPECT_EQ(snap.dropped(errors.begin()->first), 1u);
  EXPECT_EQ(snap.count("frames"), 1u);
  EXPECT_EQ(snap.count("received"), 0u);
}

TEST(FrameRecordExtractor, ContentDecidesNotThePort) {
  Collected c;
  for (uint16_t port : {5060, 15999}) {  // SIP on a port nobody calls SIP's is still SIP
    Frame f = udpFrame(port, port, kOptions);
    c.extractor.onFrame(f.packet());
  }
  Frame dns = udpFrame(53, 53, "\x12\x34\x01\x00\x00\x01");  // not SIP on any port
  c.extractor.onFrame(dns.packet());
  Frame http = udpFrame(5060, 5060, "NOTIFY * HTTP/1.1\r\nHost: x\r\n\r\n");
  c.extractor.onFrame(http.packet());
  EXPECT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.extractor.counters().not_sip, 2u);
}

TEST(FrameRecordExtractor, PortRangeNarrowsTheSearchWhenSet) {
  FrameRecordExtractorOptions o;
  o.port_min = 5060;
  o.port_max = 5061;
  Collected c(o);
  Frame in = udpFrame(5061, 40000, kOptions), out = udpFrame(6000, 6001, kOptions);
  c.extractor.onFrame(in.packet());
  c.extractor.onFrame(out.packet());
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.extractor.counters().out_of_ports, 1u);
}

// Issue 9: `siphon decode` and `siphon agent` called a SIP/7.0 request and a request line with
// trailing whitespace "not SIP". They are SIP, malformed: kept raw and flagged by the parse.
TEST(FrameRecordExtractor, MalformedStartLinesAreKeptAndFlaggedWhatIsNotSipStaysCounted) {
  auto opened = PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) +
                                     "/regressions/issue-9-sip-by-content.pcap");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  Collected c;
  for (;;) {
    auto next = (*opened)->next();
    ASSERT_TRUE(next.has_value());
    if (!next->has_value()) break;
    c.extractor.onFrame(**next);
  }
  c.extractor.finish();
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.extractor.counters().not_sip, 2u);  // the SSDP NOTIFY, the line without headers
  const char* calls[] = {"31417@c.example.com", "31418@c.example.com", "3291342@host1.example.com"};
  const sip::SipErrc errors[] = {sip::SipErrc::BadVersion, sip::SipErrc::BadVersion,
                                 sip::SipErrc::BadStartLine};
  for (size_t i = 0; i < 3; ++i) {
    record::ParsedSip parsed;
    record::parseSip(c.records[i].meta, {}, parsed);
    EXPECT_EQ(parsed.fields.callid, calls[i]);
    ASSERT_TRUE(parsed.parse_error.has_value()) << i;
    EXPECT_EQ(*parsed.parse_error, errors[i]) << i;
  }
}

TEST(FrameRecordExtractor, SnapshotHasTheStagesShapeAndReassemblyFiguresAfterFinish) {
  Collected c;
  Frame sip = udpFrame(5060, 5060, kOptions), other = udpFrame(53, 53, "xx");
  c.extractor.onFrame(sip.packet());
  c.extractor.onFrame(other.packet());
  c.extractor.finish();
  auto s = c.extractor.snapshot("eth0");
  EXPECT_EQ(s.stage, "eth0");
  EXPECT_EQ(s.count("frames"), 2u);
  EXPECT_EQ(s.count("received"), 1u);
  EXPECT_EQ(s.count("not_sip"), 1u);
  EXPECT_EQ(s.dropped("ip_fragments"), 0u);
  EXPECT_EQ(s.droppedTotal(), 0u);
}

}  // namespace
}  // namespace siphon::source
