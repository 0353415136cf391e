// In-process ingest cost per message through the collector's storage path: HEPv3 decode into
// a record, the SIP-parse and table-routing processors, the frozen (shared) record, then the
// store sink's index keys, block encode + zstd and SQLite write (the goal: >= 250,000
// messages/s per core). The store file is on the real disk.
//
//   build-bench/bench/store_bench --benchmark_min_time=3

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "support/sip_traffic.h"
#include "sink/store_sink.h"
#include "support/records.h"

namespace {

std::vector<std::vector<std::byte>> makePackets(size_t n) {
  siphon::load::TrafficOptions opt;
  opt.correlation_callid = true;
  siphon::load::SipTraffic gen(opt);
  std::vector<siphon::load::TrafficMessage> msgs;
  std::vector<std::vector<std::byte>> out;
  siphon::core::CaptureMeta meta;
  uint32_t usec = 0;
  while (out.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (const auto& m : msgs) {
      gen.toMeta(m, meta, 1700000000 + usec / 1000000, usec % 1000000);
      ++usec;
      std::vector<std::byte> pkt;
      if (siphon::hep::encodeHep(meta, pkt).has_value()) out.push_back(std::move(pkt));
      if (out.size() == n) break;
    }
  }
  return out;
}

void BM_DecodeParseStore(benchmark::State& state) {
  static const auto packets = makePackets(20000);
  auto path = std::filesystem::temp_directory_path() / ("siphon-store-bench-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  siphon::sink::StoreSinkOptions options;
  options.path = path.string();
  options.store.zstd_level = static_cast<int>(state.range(0));
  options.store.cache_mb = static_cast<int>(state.range(1));
  siphon::sink::StoreSink sink(options);
  // As `siphon serve` parses when the embedded store is its only reader (collector.cc).
  siphon::support::RecordMaker processors({}, {}, siphon::sip::FieldSet::Store);
  if (!sink.open().has_value()) {
    state.SkipWithError("cannot open store");
    return;
  }
  size_t i = 0, in_batch = 0;
  for (auto _ : state) {
    auto capture = siphon::hep::decodeHepCapture(packets[i]);
    if (++i == packets.size()) i = 0;
    sink.stage(*processors.make(std::move(*capture)));
    if (++in_batch == options.batch_size) {
      sink.commitBatch();
      in_batch = 0;
    }
  }
  sink.commitBatch();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  sink.close();
  auto bytes = std::filesystem::file_size(path);
  state.counters["disk_bytes_per_msg"] =
      static_cast<double>(bytes) /
      static_cast<double>(sink.stats().countOf(siphon::sink::StoreCount::Stored));
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}
// Args: zstd level, SQLite page cache MB. Run with --benchmark_min_time=10 to write a store
// larger than the smaller cache.
BENCHMARK(BM_DecodeParseStore)
    ->ArgNames({"zstd", "cache_mb"})
    ->Args({1, 64})
    ->Args({3, 64})
    ->Args({1, 16})
    ->Args({1, 256})
    ->Unit(benchmark::kNanosecond);
// The same work for a fixed 200,000 messages, so that two builds compare over stores of the
// same size (the key B-tree grows with the store: a faster build would otherwise run more
// iterations into a bigger store and look slower).
BENCHMARK(BM_DecodeParseStore)
    ->Name("BM_DecodeParseStore_200k")
    ->ArgNames({"zstd", "cache_mb"})
    ->Args({1, 64})  // the default level first: bench/pair.sh compares the first one
    ->Args({3, 64})
    ->Iterations(200000)
    ->Unit(benchmark::kNanosecond);

}  // namespace
