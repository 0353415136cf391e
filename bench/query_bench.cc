// Query latency over a large embedded store (issue 5's goal, with 10 million messages stored):
// Call-ID lookup and whole-call assembly p99 <= 10 ms, a user search over 24 hours returning
// its first page <= 100 ms. The store is made by fill_store (bench/load/fill_store_main.cc):
//
//   build/bench/fill_store --db /tmp/q.db --messages 10000000
//   SIPHON_QUERY_DB=/tmp/q.db build/bench/query_bench --benchmark_repetitions=1
//
// Without SIPHON_QUERY_DB nothing is measured (the benchmarks skip with a message). Each
// iteration is one cold-ish query for a different call or user; p50/p99 per query are reported
// as counters (µs), measured around each call, because the goal is a percentile, not a mean.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "query/call_assembly.h"
#include "query/embedded_reader.h"
#include "query/search.h"

namespace {

struct BenchStore {
  std::unique_ptr<siphon::store::BlockStore> store;
  std::vector<std::string> call_ids;
  int64_t end_us = 0;
  int users = 1000;
  std::string error;
};

BenchStore& benchStore() {
  static BenchStore s = [] {
    BenchStore b;
    const char* path = std::getenv("SIPHON_QUERY_DB");
    if (!path) {
      b.error = "set SIPHON_QUERY_DB to a store made by fill_store";
      return b;
    }
    auto opened = siphon::store::BlockStore::open(path, {}, /*read_only=*/true);
    if (!opened.has_value()) {
      b.error = opened.error().message;
      return b;
    }
    b.store = std::move(*opened);
    std::ifstream side(std::string(path) + ".bench");
    std::string key, value;
    while (side >> key >> value) {
      if (key == "callid") b.call_ids.push_back(value);
      if (key == "end_us") b.end_us = std::stoll(value);
      if (key == "users") b.users = std::stoi(value);
    }
    if (b.call_ids.empty()) b.error = std::string(path) + ".bench lists no Call-ID";
    return b;
  }();
  return s;
}

void reportPercentiles(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  auto at = [&](double p) { return us[std::min(us.size() - 1, static_cast<size_t>(p * static_cast<double>(us.size())))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = us.back();
}

template <class F>
void timed(benchmark::State& state, F&& f) {
  std::vector<double> us;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  reportPercentiles(state, us);
}

void BM_CallIdLookup(benchmark::State& state) {
  auto& b = benchStore();
  if (!b.error.empty()) return state.SkipWithError(b.error.c_str());
  std::mt19937_64 rng(7);
  size_t found = 0;
  timed(state, [&] {
    siphon::query::SearchQuery q;
    q.call_id = b.call_ids[rng() % b.call_ids.size()];
    auto r = siphon::query::search(*b.store, q);
    if (r.has_value()) found += r->records.size();
    benchmark::DoNotOptimize(found);
  });
  state.counters["msgs_per_query"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CallIdLookup)->Unit(benchmark::kMillisecond)->Iterations(500);

void BM_CallAssembly(benchmark::State& state) {
  auto& b = benchStore();
  if (!b.error.empty()) return state.SkipWithError(b.error.c_str());
  std::mt19937_64 rng(11);
  size_t messages = 0, legs = 0;
  timed(state, [&] {
    siphon::query::CallQuery q;
    q.call_id = b.call_ids[rng() % b.call_ids.size()];
    siphon::query::EmbeddedReader reader(*b.store, {});  // a request's reader: its own block cache
    auto r = siphon::query::assembleCall(reader, q);
    if (r.has_value()) {
      messages += r->messages.size();
      legs += r->legs.size();
    }
  });
  state.counters["msgs_per_call"] = static_cast<double>(messages) / static_cast<double>(state.iterations());
  state.counters["legs_per_call"] = static_cast<double>(legs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CallAssembly)->Unit(benchmark::kMillisecond)->Iterations(500);

void BM_UserSearch24hFirstPage(benchmark::State& state) {
  auto& b = benchStore();
  if (!b.error.empty()) return state.SkipWithError(b.error.c_str());
  std::mt19937_64 rng(13);
  size_t rows = 0, blocks = 0;
  timed(state, [&] {
    siphon::query::SearchQuery q;
    q.from_user = "user" + std::to_string(1000 + rng() % static_cast<uint64_t>(b.users));
    q.until = b.end_us;
    q.since = b.end_us - 24LL * 3600 * 1'000'000;
    q.limit = 100;  // the first page of the UI
    auto r = siphon::query::search(*b.store, q);
    if (r.has_value()) {
      rows += r->records.size();
      blocks += r->blocks_read;
    }
  });
  state.counters["rows_per_page"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
  state.counters["blocks_read"] = static_cast<double>(blocks) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_UserSearch24hFirstPage)->Unit(benchmark::kMillisecond)->Iterations(100);

void BM_MethodSearch24hFirstPage(benchmark::State& state) {
  // No indexed filter: the newest blocks of the range are scanned until a page is full.
  auto& b = benchStore();
  if (!b.error.empty()) return state.SkipWithError(b.error.c_str());
  size_t rows = 0;
  timed(state, [&] {
    siphon::query::SearchQuery q;
    q.method = "BYE";
    q.until = b.end_us;
    q.since = b.end_us - 24LL * 3600 * 1'000'000;
    q.limit = 100;
    auto r = siphon::query::search(*b.store, q);
    if (r.has_value()) rows += r->records.size();
  });
  state.counters["rows_per_page"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MethodSearch24hFirstPage)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace
