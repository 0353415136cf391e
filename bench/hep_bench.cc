// HEP codec micro-benchmarks. The collector's budget is well under 100 ns to decode a typical
// HEPv3 SIP packet, with no allocation once the record's other_chunks has capacity.

#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"

namespace {

using namespace siphon;

// A realistic INVITE with SDP (564 bytes; the HEPv3 packet with auth key and correlation id is
// 706 bytes), as a softphone sends it.
constexpr std::string_view kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@192.0.2.101\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@192.0.2.101:5060>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 189\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.101\r\n"
    "t=0 0\r\n"
    "m=audio 49172 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=sendrecv\r\n";

core::CaptureMeta inviteRecord() {
  core::CaptureMeta m;
  m.ip_family = 2;
  m.ip_proto = 17;
  m.src_ip = *core::IpAddress::parse("192.0.2.101");
  m.dst_ip = *core::IpAddress::parse("198.51.100.7");
  m.src_port = 5060;
  m.dst_port = 5060;
  m.ts_sec = 1700000000;
  m.ts_usec = 123456;
  m.capture_id = 2001;
  m.payload_type = 1;
  m.has_auth_key = true;
  m.auth_key = "myHep";
  m.correlation_id = "a84b4c76e66710@192.0.2.101";
  m.payload = core::asBytes(kInvite);
  return m;
}

std::vector<std::byte> invitePacket() {
  std::vector<std::byte> out;
  if (!hep::encodeHep(inviteRecord(), out).has_value()) std::abort();
  return out;
}

std::vector<std::byte> readVector(const char* name) {
  std::ifstream in(std::string(SIPHON_TEST_DATA_DIR) + "/hep/" + name, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(c.size());
  for (size_t i = 0; i < c.size(); ++i) out[i] = static_cast<std::byte>(c[i]);
  return out;
}

void runDecode(benchmark::State& state, const std::vector<std::byte>& packet) {
  core::CaptureMeta meta;
  meta.other_chunks.reserve(16);
  std::vector<std::byte> inflated;
  for (auto _ : state) {
    auto r = hep::decodeHep(packet, meta, &inflated);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(meta.payload.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * packet.size()));
  state.counters["packet_bytes"] = static_cast<double>(packet.size());
}

void BM_DecodeHep3Invite(benchmark::State& state) { runDecode(state, invitePacket()); }
BENCHMARK(BM_DecodeHep3Invite);

void BM_DecodeHep3Heplify200Ok(benchmark::State& state) {
  runDecode(state, readVector("heplify_hep3_sip_200ok.bin"));
}
BENCHMARK(BM_DecodeHep3Heplify200Ok);

void BM_DecodeHep1Fenollp200Ok(benchmark::State& state) {
  runDecode(state, readVector("fenollp_hep1_real_sip_200ok.bin"));
}
BENCHMARK(BM_DecodeHep1Fenollp200Ok);

void BM_EncodeHep3Invite(benchmark::State& state) {
  const core::CaptureMeta meta = inviteRecord();
  std::vector<std::byte> out;
  out.reserve(2048);
  for (auto _ : state) {
    out.clear();
    auto r = hep::encodeHep(meta, out);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["packet_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodeHep3Invite);

void BM_DecodeHep3InviteGzip(benchmark::State& state) {
  std::vector<std::byte> packet;
  hep::EncodeOptions o;
  o.compress_payload = true;
  if (!hep::encodeHep(inviteRecord(), packet, o).has_value()) std::abort();
  runDecode(state, packet);
}
BENCHMARK(BM_DecodeHep3InviteGzip);

}  // namespace
