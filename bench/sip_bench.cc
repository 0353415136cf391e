// Per-message cost of SipMessage::parse + extractCaptureFields (the capture hot path), for a
// realistic INVITE with SDP (~700 bytes) and a 200 OK (~450 bytes).

#include <benchmark/benchmark.h>

#include <string>

#include "core/byte_reader.h"
#include "record/record_json.h"
#include "sip/scope_keys.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip/stream_framer.h"

namespace {

const std::string kInvite =
    "INVITE sip:+4930555123@sip.example.net;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---a3d0f1c2b4e5d6f7;rport\r\n"
    "Max-Forwards: 70\r\n"
    "Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n"
    "To: <sip:+4930555123@sip.example.net;user=phone>\r\n"
    "From: \"Alice\" <sip:alice@sip.example.net>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@192.0.2.10\r\n"
    "CSeq: 1 INVITE\r\n"
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n"
    "Content-Type: application/sdp\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: Siphon-Bench/1.0\r\n"
    "P-Asserted-Identity: <sip:+4930555000@sip.example.net>\r\n"
    "Content-Length: 249\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 18 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n";

const std::string kOk =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---a3d0f1c2b4e5d6f7;rport=5060;"
    "received=192.0.2.10\r\n"
    "Record-Route: <sip:192.0.2.1;lr>\r\n"
    "Contact: <sip:bob@198.51.100.20:5060>\r\n"
    "To: <sip:+4930555123@sip.example.net;user=phone>;tag=as6b7c1d2e\r\n"
    "From: \"Alice\" <sip:alice@sip.example.net>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@192.0.2.10\r\n"
    "CSeq: 1 INVITE\r\n"
    "Server: Example-PBX 16.2\r\n"
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"
    "Supported: replaces, timer\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

void parseAndExtract(benchmark::State& state, const std::string& bytes,
                     siphon::sip::FieldSet set = siphon::sip::FieldSet::All) {
  const siphon::sip::FieldOptions options;
  siphon::sip::SipCaptureFields fields;
  for (auto _ : state) {
    const auto msg = siphon::sip::SipMessage::parse(bytes);
    extractCaptureFields(msg, options, fields, set);
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["bytes"] = static_cast<double>(bytes.size());
}

void BM_ParseExtractInvite(benchmark::State& state) { parseAndExtract(state, kInvite); }
void BM_ParseExtractOk(benchmark::State& state) { parseAndExtract(state, kOk); }
// FieldSet::Ingest: the collector's parse for the embedded store (sip/field_views.h).
void BM_ParseIngestInvite(benchmark::State& state) {
  parseAndExtract(state, kInvite, siphon::sip::FieldSet::Ingest);
}
void BM_ParseIngestOk(benchmark::State& state) {
  parseAndExtract(state, kOk, siphon::sip::FieldSet::Ingest);
}

void BM_ParseOnlyInvite(benchmark::State& state) {
  for (auto _ : state) {
    const auto msg = siphon::sip::SipMessage::parse(kInvite);
    benchmark::DoNotOptimize(msg.body().data());
  }
}

void BM_ParseExtractValidateInvite(benchmark::State& state) {
  const siphon::sip::FieldOptions options;
  siphon::sip::SipCaptureFields fields;
  for (auto _ : state) {
    const auto msg = siphon::sip::SipMessage::parse(kInvite);
    benchmark::DoNotOptimize(msg.parseError());
    extractCaptureFields(msg, options, fields);
    benchmark::DoNotOptimize(fields);
  }
}

// The tracer's scope keys (FieldSet::Keys): the full parse, then the scan that stops at them
// (sip/scope_keys.h), which an agent with scoped rules runs on every message.
void keysByFullParse(benchmark::State& state, const std::string& bytes) {
  const siphon::sip::FieldOptions options;
  siphon::sip::SipCaptureFields fields;
  for (auto _ : state) {
    const auto msg = siphon::sip::SipMessage::parse(bytes);
    extractCaptureFields(msg, options, fields, siphon::sip::FieldSet::Keys);
    benchmark::DoNotOptimize(fields);
  }
}
void keysByScan(benchmark::State& state, const std::string& bytes) {
  siphon::sip::SipCaptureFields fields;
  for (auto _ : state) {
    if (!siphon::sip::scanScopeKeys(bytes, fields)) state.SkipWithError("not the common shape");
    benchmark::DoNotOptimize(fields);
  }
}
void BM_KeysFullParseInvite(benchmark::State& state) { keysByFullParse(state, kInvite); }
void BM_KeysFullParseOk(benchmark::State& state) { keysByFullParse(state, kOk); }
void BM_KeysScanInvite(benchmark::State& state) { keysByScan(state, kInvite); }
void BM_KeysScanOk(benchmark::State& state) { keysByScan(state, kOk); }

void BM_StreamFramer(benchmark::State& state) {
  const std::string stream = kInvite + kOk + kInvite + kOk;
  for (auto _ : state) {
    siphon::sip::StreamFramer framer;
    framer.feed(stream);
    size_t n = 0;
    while (framer.next().status == siphon::sip::FrameStatus::Message) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 4));
}

// A record as the JSON the live tail, `search --format jsonl` and `decode` write: the object
// built and dumped (recordJson) against the writer (record/record_json.h appendRecordJson).
siphon::core::CaptureMeta inviteRecord() {
  siphon::core::CaptureMeta meta;
  meta.ip_family = 2;
  meta.ip_proto = 17;
  meta.src_ip = *siphon::core::IpAddress::parse("10.0.0.1");
  meta.dst_ip = *siphon::core::IpAddress::parse("10.0.0.2");
  meta.src_port = 5060;
  meta.dst_port = 5062;
  meta.ts_sec = 1700000000;
  meta.payload = siphon::core::asBytes(std::string_view(kInvite));
  return meta;
}

void BM_RecordJsonObject(benchmark::State& state) {
  const auto meta = inviteRecord();
  siphon::record::ParsedSip parsed;
  siphon::record::parseSip(meta, {}, parsed);
  for (auto _ : state) {
    std::string text = siphon::record::recordJson(meta, parsed, {}, /*with_message=*/false)
                           .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    benchmark::DoNotOptimize(text);
  }
}

void BM_RecordJsonWriter(benchmark::State& state) {
  const auto meta = inviteRecord();
  siphon::record::ParsedSip parsed;
  siphon::record::parseSip(meta, {}, parsed);
  for (auto _ : state) {
    std::string text = siphon::record::recordJsonText(meta, parsed, {}, /*with_message=*/false);
    benchmark::DoNotOptimize(text);
  }
}

BENCHMARK(BM_RecordJsonObject);
BENCHMARK(BM_RecordJsonWriter);
BENCHMARK(BM_ParseExtractInvite);
BENCHMARK(BM_ParseExtractOk);
BENCHMARK(BM_ParseIngestInvite);
BENCHMARK(BM_ParseIngestOk);
BENCHMARK(BM_ParseOnlyInvite);
BENCHMARK(BM_ParseExtractValidateInvite);
BENCHMARK(BM_KeysFullParseInvite);
BENCHMARK(BM_KeysFullParseOk);
BENCHMARK(BM_KeysScanInvite);
BENCHMARK(BM_KeysScanOk);
BENCHMARK(BM_StreamFramer);

}  // namespace
