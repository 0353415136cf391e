// The spool's form of a record (record/record_codec.h): what a database sink writes comes back
// the same after a trip through the bytes, and damaged bytes are an error, never a crash.

#include "record/record_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "hep/siphon_chunks.h"
#include "support/records.h"

namespace siphon::record {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: call-1@example.com\r\nCSeq: 1 INVITE\r\nX-CID: leg-a@example.com\r\n"
    "Content-Length: 0\r\n\r\n";

RecordBox sample() {
  support::CaptureSpec spec;
  spec.dst = "2001:db8::5";
  spec.ip_proto = 6;
  spec.correlation = "corr-1";
  spec.node = "edge-1";
  spec.chunks = {{0x5350, 0x0006, "sip_trace_vip"}, {0x1234, 0x0009, std::string("\0\1\2", 3)}};
  auto box = makeRecord(support::makeCapture(kInvite, spec));
  box->capture.meta.has_auth_key = true;
  box->capture.meta.auth_key = "secret";
  box->capture.meta.keepalive = 30;
  box->capture.meta.omitted = 1u << 3;
  box->source = 2;
  box->table = box->capture.keep("sip_capture_%Y%m%d");
  sip::FieldOptions fields;
  fields.callid_aleg_headers = {"X-CID"};
  parseSip(box->meta(), fields, box->sip);
  box->parsed = true;
  return box;
}

TEST(RecordCodec, ARecordComesBackAsTheStoresWroteIt) {
  auto in = sample();
  std::vector<std::byte> bytes;
  ASSERT_TRUE(encodeRecord(*in, 1'700'000'123'000'000, bytes));
  EXPECT_EQ(encodedSpoolTime(bytes), 1'700'000'123'000'000);
  sip::FieldOptions fields;
  fields.callid_aleg_headers = {"X-CID"};
  auto out = decodeRecord(bytes, fields);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  EXPECT_EQ(out->spooled_us, 1'700'000'123'000'000);
  const Record& r = *out->record;
  const auto &a = in->meta(), &b = r.meta();
  EXPECT_EQ(b.hep_version, a.hep_version);
  EXPECT_EQ(b.ip_family, a.ip_family);
  EXPECT_EQ(b.ip_proto, 6);
  EXPECT_EQ(b.src_ip, a.src_ip);
  EXPECT_EQ(b.dst_ip.toString(), "2001:db8::5");
  EXPECT_EQ(b.src_port, a.src_port);
  EXPECT_EQ(b.dst_port, a.dst_port);
  EXPECT_EQ(b.microsSinceEpoch(), a.microsSinceEpoch());
  EXPECT_EQ(b.capture_id, a.capture_id);
  EXPECT_EQ(b.payload_type, a.payload_type);
  EXPECT_EQ(b.keepalive, 30);
  EXPECT_EQ(b.omitted, 1u << 3);
  EXPECT_TRUE(b.has_auth_key);
  EXPECT_TRUE(b.auth_key.empty()) << "the credential is not written to disk";
  EXPECT_EQ(b.correlation_id, "corr-1");
  EXPECT_EQ(b.node_name, "edge-1");
  EXPECT_EQ(core::asText(b.payload), kInvite);
  ASSERT_EQ(b.other_chunks.size(), 2u);
  EXPECT_EQ(hep::siphonChunkText(b, hep::kTraceTableChunk), "sip_trace_vip");
  EXPECT_EQ(b.other_chunks[1].vendor, 0x1234);
  EXPECT_EQ(core::asText(b.other_chunks[1].value), std::string("\0\1\2", 3));
  EXPECT_EQ(r.table, "sip_capture_%Y%m%d");
  EXPECT_EQ(r.source, 2);
  EXPECT_FALSE(r.report_row);
  ASSERT_TRUE(r.parsed);
  EXPECT_EQ(r.sip.fields.callid, "call-1@example.com");
  EXPECT_EQ(r.sip.fields.callid_aleg, "leg-a@example.com");
  EXPECT_EQ(r.sip.correlation_id, "corr-1");
  EXPECT_EQ(r.sip.type, 1);
}

TEST(RecordCodec, AReportRowStaysAReportRow) {
  auto in = sample();
  in->report_row = true;
  std::vector<std::byte> bytes;
  ASSERT_TRUE(encodeRecord(*in, 0, bytes));
  auto out = decodeRecord(bytes, {});
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->record->report_row);
  EXPECT_FALSE(out->record->sip.isSip());
}

TEST(RecordCodec, DamagedBytesAreAnErrorAtEveryLength) {
  auto in = sample();
  std::vector<std::byte> bytes;
  ASSERT_TRUE(encodeRecord(*in, 5, bytes));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto cut = decodeRecord(std::span(bytes).first(n), {});
    EXPECT_FALSE(cut.has_value()) << "prefix of " << n << " bytes";
  }
  auto longer = bytes;
  longer.push_back(std::byte{0});
  ASSERT_FALSE(decodeRecord(longer, {}).has_value());
  EXPECT_EQ(decodeRecord(longer, {}).error().code, RecordCodecErrc::BadValue);
  auto other = bytes;
  other[2] = std::byte{2};
  ASSERT_FALSE(decodeRecord(other, {}).has_value());
  EXPECT_EQ(decodeRecord(other, {}).error().code, RecordCodecErrc::BadMagic);
  EXPECT_FALSE(encodedSpoolTime(other).has_value());
}

}  // namespace
}  // namespace siphon::record
