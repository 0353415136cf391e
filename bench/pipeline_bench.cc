// The collector's per-message CPU cost before storage: HEPv3 decode + SIP parse + extraction
// of every sip_capture field, on realistic traffic (the goal: <= 150 ns per message).
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_BENCH=ON
//   ninja -C build-bench pipeline_bench && build-bench/bench/pipeline_bench

#include <benchmark/benchmark.h>

#include <vector>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "support/sip_traffic.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"

namespace {

using siphon::core::CaptureMeta;

// Encoded HEPv3 packets of the traffic mix, or of one kind of message.
std::vector<std::vector<std::byte>> makePackets(size_t n, std::string_view only_start = {}) {
  siphon::load::TrafficOptions opt;
  opt.correlation_callid = true;
  opt.node_name = "edge-1";
  siphon::load::SipTraffic gen(opt);
  std::vector<siphon::load::TrafficMessage> msgs;
  std::vector<std::vector<std::byte>> out;
  CaptureMeta meta;
  while (out.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (const auto& m : msgs) {
      if (!only_start.empty() && !m.payload.starts_with(only_start)) continue;
      gen.toMeta(m, meta, 1700000000, 0);
      std::vector<std::byte> pkt;
      if (siphon::hep::encodeHep(meta, pkt).has_value()) out.push_back(std::move(pkt));
      if (out.size() == n) break;
    }
  }
  return out;
}

void decodeAndExtract(benchmark::State& state, const std::vector<std::vector<std::byte>>& pkts) {
  CaptureMeta meta;
  std::vector<std::byte> inflate;
  siphon::sip::FieldOptions field_options;
  siphon::sip::SipCaptureFields fields;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& p = pkts[i];
    if (++i == pkts.size()) i = 0;
    auto r = siphon::hep::decodeHep(p, meta, &inflate);
    auto msg = siphon::sip::SipMessage::parse(siphon::core::asText(meta.payload));
    siphon::sip::extractCaptureFields(msg, field_options, fields);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(fields);
    bytes += p.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["avg_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

void BM_HepDecodeSipExtract_Invite(benchmark::State& state) {
  static const auto pkts = makePackets(64, "INVITE");
  decodeAndExtract(state, pkts);
}
BENCHMARK(BM_HepDecodeSipExtract_Invite);

void BM_HepDecodeSipExtract_200Ok(benchmark::State& state) {
  static const auto pkts = makePackets(64, "SIP/2.0 200");
  decodeAndExtract(state, pkts);
}
BENCHMARK(BM_HepDecodeSipExtract_200Ok);

void BM_HepDecodeSipExtract_Mix(benchmark::State& state) {
  static const auto pkts = makePackets(4096);
  decodeAndExtract(state, pkts);
}
BENCHMARK(BM_HepDecodeSipExtract_Mix);

}  // namespace
