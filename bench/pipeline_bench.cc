// The collector's per-message CPU cost before storage: HEPv3 decode + SIP parse + extraction
// of every sip_capture field, on realistic traffic (the goal: <= 150 ns per message);
// and the same through the pipeline's real stages (BM_CollectorChain_Mix).
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_BENCH=ON
//   ninja -C build-bench pipeline_bench && build-bench/bench/pipeline_bench

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "process/arrival_time.h"
#include "process/capture_switch.h"
#include "process/sip_parse.h"
#include "process/table_routing.h"
#include "record/record.h"
#include "sip/scope_keys.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "support/sip_traffic.h"

namespace {

using siphon::core::CaptureMeta;

// The first `n` messages of the traffic mix `gen` makes, or of one kind of message (those whose
// payload starts with `only_start`).
std::vector<siphon::load::TrafficMessage> trafficMessages(siphon::load::SipTraffic& gen, size_t n,
                                                          std::string_view only_start = {}) {
  std::vector<siphon::load::TrafficMessage> msgs, out;
  while (out.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (auto& m : msgs) {
      if (!only_start.empty() && !m.payload.starts_with(only_start)) continue;
      out.push_back(std::move(m));
      if (out.size() == n) break;
    }
  }
  return out;
}

// Encoded HEPv3 packets of the traffic mix, or of one kind of message.
std::vector<std::vector<std::byte>> makePackets(size_t n, std::string_view only_start = {}) {
  siphon::load::TrafficOptions opt;
  opt.correlation_callid = true;
  opt.node_name = "edge-1";
  siphon::load::SipTraffic gen(opt);
  std::vector<std::vector<std::byte>> out;
  CaptureMeta meta;
  for (const auto& m : trafficMessages(gen, n, only_start)) {
    gen.toMeta(m, meta, 1700000000, 0);
    std::vector<std::byte> pkt;
    if (siphon::hep::encodeHep(meta, pkt).has_value()) out.push_back(std::move(pkt));
  }
  return out;
}

void decodeAndExtract(benchmark::State& state, const std::vector<std::vector<std::byte>>& pkts,
                      siphon::sip::FieldSet set = siphon::sip::FieldSet::All) {
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
    siphon::sip::extractCaptureFields(msg, field_options, fields, set);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(fields);
    bytes += p.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["avg_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
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

// The same with FieldSet::Ingest, as the collector parses for the embedded store: the URI
// parts without their grammar (sip/field_views.h), the verdict left to the readers.
void BM_HepDecodeSipIngest_Invite(benchmark::State& state) {
  static const auto pkts = makePackets(64, "INVITE");
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Ingest);
}
BENCHMARK(BM_HepDecodeSipIngest_Invite);

void BM_HepDecodeSipIngest_200Ok(benchmark::State& state) {
  static const auto pkts = makePackets(64, "SIP/2.0 200");
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Ingest);
}
BENCHMARK(BM_HepDecodeSipIngest_200Ok);

void BM_HepDecodeSipIngest_Mix(benchmark::State& state) {
  static const auto pkts = makePackets(4096);
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Ingest);
}
BENCHMARK(BM_HepDecodeSipIngest_Mix);

// FieldSet::Store: what `siphon serve` parses when the embedded store is the only reader
// (pipeline/collector.cc): the fields the store reads at ingest.
void BM_HepDecodeSipStore_Invite(benchmark::State& state) {
  static const auto pkts = makePackets(64, "INVITE");
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Store);
}
BENCHMARK(BM_HepDecodeSipStore_Invite);

void BM_HepDecodeSipStore_200Ok(benchmark::State& state) {
  static const auto pkts = makePackets(64, "SIP/2.0 200");
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Store);
}
BENCHMARK(BM_HepDecodeSipStore_200Ok);

void BM_HepDecodeSipStore_Mix(benchmark::State& state) {
  static const auto pkts = makePackets(4096);
  decodeAndExtract(state, pkts, siphon::sip::FieldSet::Store);
}
BENCHMARK(BM_HepDecodeSipStore_Mix);

// What the collector does per record before its lanes, with the real stages: HepIngest's
// decode into a record that owns a copy of the packet, then the processors of a default
// `siphon serve` (capture_on, arrival time, SIP parse, table routing), then the record frozen
// for the lanes (one allocation). The lanes' queues are left out (a lock per push).
void BM_CollectorChain_Mix(benchmark::State& state) {
  static const auto pkts = makePackets(4096);
  siphon::process::CaptureSwitch on;
  siphon::process::CaptureSwitchProcessor capture(
      on, siphon::process::CaptureSwitchProcessor::Kind::Capture);
  siphon::process::ArrivalTimeProcessor arrival(siphon::core::systemClock());
  siphon::process::SipParseProcessor parse({}, siphon::sip::FieldSet::Store);
  siphon::process::TableRoutingProcessor tables({{0, siphon::process::TableRouting{}}});
  siphon::process::Processor* chain[] = {&capture, &arrival, &parse, &tables};
  size_t i = 0;
  for (auto _ : state) {
    const auto& p = pkts[i];
    if (++i == pkts.size()) i = 0;
    auto decoded = siphon::hep::decodeHepCapture(std::vector<std::byte>(p.begin(), p.end()));
    siphon::record::RecordBox r = siphon::record::makeRecord(std::move(*decoded));
    r->lanes.set(0);
    for (auto* proc : chain) (void)proc->process(*r);
    siphon::record::RecordPtr shared = std::move(r);
    benchmark::DoNotOptimize(shared.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CollectorChain_Mix);

// The tracer's scope-key scan (sip/scope_keys.h) on the agent benchmark's synthetic mix, one
// message after another, against the same scan repeated on one INVITE and on one 200: the
// INVITE alone takes about 130 ns (sip_bench BM_KeysScanInvite), the same parse inside
// agent_bench's BM_ExtractTraced/3/1 about 190 ns. A mix of shapes (INVITE, provisional and
// final replies, ACK, BYE, REGISTER with its challenge, OPTIONS) is what the agent sees.
std::vector<std::string> mixPayloads(size_t n, std::string_view only_start = {}) {
  siphon::load::SipTraffic gen(siphon::load::TrafficOptions{});
  std::vector<std::string> out;
  for (auto& m : trafficMessages(gen, n, only_start)) out.push_back(std::move(m.payload));
  return out;
}

void keysScan(benchmark::State& state, const std::vector<std::string>& payloads) {
  siphon::sip::SipCaptureFields fields;
  size_t i = 0, answered = 0;
  for (auto _ : state) {
    answered += siphon::sip::scanScopeKeys(payloads[i], fields);
    if (++i == payloads.size()) i = 0;
    benchmark::DoNotOptimize(fields);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["answered"] =
      static_cast<double>(answered) / static_cast<double>(state.iterations());
}

void BM_KeysScan_Mix(benchmark::State& state) {
  static const auto payloads = mixPayloads(4096);
  keysScan(state, payloads);
}
BENCHMARK(BM_KeysScan_Mix);

void BM_KeysScan_Invite(benchmark::State& state) {
  static const auto payloads = mixPayloads(64, "INVITE");
  keysScan(state, payloads);
}
BENCHMARK(BM_KeysScan_Invite);

}  // namespace
