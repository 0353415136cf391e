// The cost of tracing rules on the agent's path (trace/), on the traffic mix of
// pipeline_bench.cc, one core:
//
//   BM_Trace_NoRules   decode a record and parse its SIP: what the agent does per message
//                      before any rule (the baseline)
//   BM_Trace_10Rules   the same, then 10 [[trace]] rules: 9 that no message of the mix matches
//                      (each on a different key, as an operator's list would be, one of them a
//                      header regex), then one that takes every message with its Call-ID as
//                      correlation
//
// The difference of the two is what the rules add per message.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_BENCH=ON
//   ninja -C build-bench trace_bench && build-bench/bench/trace_bench

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/config_file.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "process/sip_parse.h"
#include "support/sip_traffic.h"
#include "trace/trace_config.h"
#include "trace/trace_processor.h"

namespace {

using namespace siphon;

std::vector<std::vector<std::byte>> makePackets(size_t n) {
  load::SipTraffic gen(load::TrafficOptions{});
  std::vector<load::TrafficMessage> msgs;
  std::vector<std::vector<std::byte>> out;
  core::CaptureMeta meta;
  while (out.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (const auto& m : msgs) {
      gen.toMeta(m, meta, 1700000000, 0);
      std::vector<std::byte> pkt;
      if (hep::encodeHep(meta, pkt).has_value()) out.push_back(std::move(pkt));
      if (out.size() == n) break;
    }
  }
  return out;
}

std::vector<trace::TraceRule> tenRules() {
  const char* misses[] = {"method = [\"SUBSCRIBE\"]",       "from_user = \"vip-caller\"",
                          "to_user = \"vip-callee\"",       "source = \"192.0.2.0/24\"",
                          "destination = \"198.51.100.7\"", "ruri_user = \"lab\"",
                          "header = \"X-Trace~^yes\"",      "method = [\"PUBLISH\", \"REFER\"]",
                          "source = \"203.0.113.9:5060\""};
  std::string toml;
  for (const char* m : misses) toml += "[[trace]]\n" + std::string(m) + "\ncorrelation = \"x\"\n";
  toml += "[[trace]]\ncorrelation = \"call-id\"\n";
  auto file = core::ConfigFile::parse(toml, "bench.toml");
  auto rules = trace::parseTraceRules(*file);
  if (!rules.has_value() || rules->size() != 10) std::abort();  // a rule did not parse
  return std::move(*rules);
}

void run(benchmark::State& state, trace::TraceProcessor* tracer) {
  static const auto pkts = makePackets(4096);
  process::SipParseProcessor parse({});
  size_t i = 0, correlated = 0;
  for (auto _ : state) {
    const auto& p = pkts[i];
    if (++i == pkts.size()) i = 0;
    auto decoded = hep::decodeHepCapture(std::vector<std::byte>(p.begin(), p.end()));
    record::RecordBox r = record::makeRecord(std::move(*decoded));
    r->lanes.set(0);
    (void)parse.process(*r);
    if (tracer != nullptr) (void)tracer->process(*r);
    correlated += r->meta().correlation_id.empty() ? 0 : 1;
    benchmark::DoNotOptimize(r.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["correlated"] =
      static_cast<double>(correlated) / static_cast<double>(state.iterations());
}

void BM_Trace_NoRules(benchmark::State& state) { run(state, nullptr); }
BENCHMARK(BM_Trace_NoRules);

void BM_Trace_10Rules(benchmark::State& state) {
  trace::TraceLanes lanes;
  lanes.senders.set(0);
  trace::TraceProcessor tracer(tenRules(), lanes);
  run(state, &tracer);
}
BENCHMARK(BM_Trace_10Rules);

}  // namespace

BENCHMARK_MAIN();
