// The cost of routing rules on the collector's path (route/), on the traffic mix of
// pipeline_bench.cc, one core:
//
//   BM_Chain_NoRules            the default collector's chain (decode, capture_on, arrival
//                               time, SIP parse, table routing): the baseline
//   BM_Chain_Sip20Rules         hep_route = "sip": the same plus 20 rules after the parse; the
//                               last matches every packet and relays it (and stores it)
//   BM_Chain_Named20Rules       hep_route = NAME: 20 rules on the HEP chunks before the parse;
//                               the last takes every packet to the relay only (store = false),
//                               so the SIP parse is skipped
//   BM_RelayEncodeQueue         the relay's own work per message: a queue push, a batched pop,
//                               re-encoding the record with its relay path (encodeForSend);
//                               items_per_second counts messages
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_BENCH=ON
//   ninja -C build-bench route_bench && build-bench/bench/route_bench

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/config_file.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "process/arrival_time.h"
#include "process/capture_switch.h"
#include "process/sip_parse.h"
#include "process/table_routing.h"
#include "route/route_config.h"
#include "route/route_processor.h"
#include "sink/hep_out/hep_out_encoder.h"
#include "support/sip_traffic.h"

namespace {

using namespace siphon;

std::vector<std::vector<std::byte>> makePackets(size_t n) {
  load::TrafficOptions opt;
  opt.correlation_callid = true;
  opt.node_name = "edge-1";
  load::SipTraffic gen(opt);
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

const std::vector<core::Endpoint> kListeners = {*core::Endpoint::parse("udp:127.0.0.1:9060")};
const core::Endpoint kRelay = *core::Endpoint::parse("udp:127.0.0.1:9070");

// 19 rules no packet of the mix matches (each on a different key, as an operator's list
// would be), then the one that takes everything.
std::string twentyRules(bool named, const std::string& last) {
  const std::string name = named ? "name = \"fast\"\n" : "";
  const char* misses[] = {"capture_id = 9001",
                          "node = \"sbc-east\"",
                          "payload_type = \"rtcp\"",
                          "hep_version = 2",
                          "capture_id = 9002",
                          "chunk = \"vlan_id=100\"",
                          "sender = \"10.99.0.0/16\"",
                          "node = \"sbc-west\"",
                          "capture_id = 9003",
                          "chunk = \"0x0011~^zz\"",
                          "payload_type = 100",
                          "capture_id = 9004",
                          "node = \"lab\"",
                          "capture_id = 9005",
                          "sender = \"192.0.2.1\"",
                          "payload_type = 32",
                          "capture_id = 9006",
                          "node = \"core-1\"",
                          "capture_id = 9007"};
  std::string toml;
  for (const char* m : misses) toml += "[[route]]\n" + name + m + "\ntable = \"elsewhere\"\n";
  return toml + "[[route]]\n" + name + last;
}

std::vector<route::RouteRule> parse(const std::string& toml, route::HepRoute::Mode mode) {
  auto file = core::ConfigFile::parse(toml, "bench.toml");
  route::RuleScope scope;
  scope.listeners = &kListeners;
  scope.hep_route.mode = mode;
  scope.hep_route.name = "fast";
  std::vector<route::RouteRule> out;
  auto tables = file->getTables("route");
  if (!tables.has_value()) return out;
  for (auto& t : *tables) {
    auto r = route::parseRouteTable(t, t.name(), scope);
    if (r.has_value()) out.push_back(std::move(*r));
  }
  if (out.size() != 20) std::abort();  // a rule of the benchmark did not parse
  return out;
}

route::RouteLanes lanes() {
  route::RouteLanes l;
  l.storage = {0};
  l.relays = {{kRelay, 1}};
  return l;
}

void runChain(benchmark::State& state, std::vector<process::Processor*> chain) {
  static const auto pkts = makePackets(4096);
  size_t i = 0, relayed = 0;
  for (auto _ : state) {
    const auto& p = pkts[i];
    if (++i == pkts.size()) i = 0;
    auto decoded = hep::decodeHepCapture(std::vector<std::byte>(p.begin(), p.end()));
    record::RecordBox r = record::makeRecord(std::move(*decoded));
    r->lanes.set(0);
    for (auto* proc : chain) (void)proc->process(*r);
    relayed += r->lanes.test(1) ? 1 : 0;
    record::RecordPtr shared = std::move(r);
    benchmark::DoNotOptimize(shared.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["relayed"] =
      static_cast<double>(relayed) / static_cast<double>(state.iterations());
}

struct BaseChain {
  process::CaptureSwitch on;
  process::CaptureSwitchProcessor capture{on, process::CaptureSwitchProcessor::Kind::Capture};
  process::ArrivalTimeProcessor arrival{core::systemClock()};
  process::SipParseProcessor parse{{}};
  process::TableRoutingProcessor tables{{{0, process::TableRouting{}}}};
};

void BM_Chain_NoRules(benchmark::State& state) {
  BaseChain b;
  runChain(state, {&b.capture, &b.arrival, &b.parse, &b.tables});
}
BENCHMARK(BM_Chain_NoRules);

void BM_Chain_Sip20Rules(benchmark::State& state) {
  BaseChain b;
  route::RouteProcessor rules(
      route::RouteProcessor::Phase::Sip,
      parse(twentyRules(false, "relay = [\"udp:127.0.0.1:9070\"]\n"), route::HepRoute::Mode::Sip),
      lanes(), kListeners);
  runChain(state, {&b.capture, &b.arrival, &b.parse, &rules, &b.tables});
}
BENCHMARK(BM_Chain_Sip20Rules);

void BM_Chain_Named20Rules(benchmark::State& state) {
  BaseChain b;
  route::RouteProcessor rules(
      route::RouteProcessor::Phase::Hep,
      parse(twentyRules(true, "relay = [\"udp:127.0.0.1:9070\"]\nstore = false\n"),
            route::HepRoute::Mode::Named),
      lanes(), kListeners);
  runChain(state, {&b.capture, &b.arrival, &rules, &b.parse, &b.tables});
}
BENCHMARK(BM_Chain_Named20Rules);

void BM_RelayEncodeQueue(benchmark::State& state) {
  static const auto pkts = makePackets(4096);
  std::vector<record::RecordPtr> records;
  for (const auto& p : pkts) {
    auto decoded = hep::decodeHepCapture(std::vector<std::byte>(p.begin(), p.end()));
    records.push_back(record::makeRecord(std::move(*decoded)));
  }
  sink::HepOutEncoding relay;
  relay.relay_id = 0x01020304;
  core::BoundedQueue<record::RecordPtr> queue(1024);
  std::vector<record::RecordPtr> popped;
  std::vector<std::byte> out;
  // As a lane does: records queue one by one, the lane thread takes them in batches (64 here,
  // up to 256 in a lane) and encodes each.
  constexpr size_t kBatch = 64;
  size_t i = 0;
  for (auto _ : state) {
    for (size_t k = 0; k < kBatch; ++k) {
      const auto& r = records[i];
      if (++i == records.size()) i = 0;
      (void)queue.tryPush(record::RecordPtr(r), r->footprint());
    }
    popped.clear();
    (void)queue.popBatch(popped, kBatch, std::chrono::milliseconds(0));
    for (const auto& r : popped) {
      auto fit = sink::encodeForSend(r->capture, relay, out);
      benchmark::DoNotOptimize(fit);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_RelayEncodeQueue);

}  // namespace
