// Query latency over a large store, any of them (issue 5's goal for the embedded store, issue
// 12's for PostgreSQL and ClickHouse, with 10 million messages stored): Call-ID lookup and
// whole-call assembly, a user search over 24 hours returning its first page, and (embedded store)
// the dashboard's statistics over 24 hours (issue 14's goal: 200 ms). The store is made
// by fill_store (bench/load/fill_store_main.cc):
//
//   build/bench/fill_store --db /tmp/q.db --messages 10000000
//   SIPHON_QUERY_DB=/tmp/q.db build/bench/query_bench --benchmark_repetitions=1
//   build/bench/fill_store --db postgres://u@127.0.0.1:P/q --side /tmp/pg.bench --messages 10000000
//   SIPHON_QUERY_DB=postgres://u@127.0.0.1:P/q SIPHON_QUERY_SIDE=/tmp/pg.bench build/bench/query_bench
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

#include "core/db_url.h"
#include "query/call_assembly.h"
#include "query/capture_reader.h"
#include "query/embedded_reader.h"
#include "query/search.h"

namespace {

struct BenchStore {
  std::unique_ptr<siphon::store::BlockStore> store;  ///< the embedded store's
  siphon::query::CaptureReaderPtr shared;           ///< a database server's, one connection
  std::vector<std::string> call_ids;
  int64_t end_us = 0;
  int users = 1000;
  std::string error;
};

// Forwards to a reader someone else owns (the database servers' one connection).
class Borrowed final : public siphon::query::CaptureReader {
 public:
  explicit Borrowed(siphon::query::CaptureReader& r) : r_(r) {}
  siphon::core::Result<siphon::query::SearchResult, siphon::core::Failure> search(
      const siphon::query::SearchQuery& q) override {
    return r_.search(q);
  }
  siphon::core::Result<std::vector<siphon::query::Found>, siphon::core::Failure> byIdentifier(
      std::string_view id, int64_t since, int64_t until, size_t limit) override {
    return r_.byIdentifier(id, since, until, limit);
  }

 private:
  siphon::query::CaptureReader& r_;
};

BenchStore& benchStore() {
  static BenchStore s = [] {
    BenchStore b;
    const char* db = std::getenv("SIPHON_QUERY_DB");
    if (!db) {
      b.error = "set SIPHON_QUERY_DB to a store made by fill_store";
      return b;
    }
    std::string text = db;
    if (text.find(':') == std::string::npos) text = "sqlite:" + text;
    auto url = siphon::core::DbUrl::parse(text);
    if (!url.has_value()) {
      b.error = url.error().message;
      return b;
    }
    std::string side = url->scheme == siphon::core::DbScheme::Sqlite ? url->path + ".bench" : "";
    if (const char* given = std::getenv("SIPHON_QUERY_SIDE")) side = given;
    if (url->scheme == siphon::core::DbScheme::Sqlite) {
      auto opened = siphon::store::BlockStore::open(url->path, {}, /*read_only=*/true);
      if (!opened.has_value()) {
        b.error = opened.error().message;
        return b;
      }
      b.store = std::move(*opened);
    } else {
      auto reader = siphon::query::openCaptureReader(*url, {});
      if (!reader.has_value()) {
        b.error = reader.error().message;
        return b;
      }
      b.shared = std::move(*reader);
    }
    std::ifstream file(side);
    std::string key, value;
    while (file >> key >> value) {
      if (key == "callid") b.call_ids.push_back(value);
      if (key == "end_us") b.end_us = std::stoll(value);
      if (key == "users") b.users = std::stoi(value);
    }
    if (b.call_ids.empty()) b.error = side + " lists no Call-ID (SIPHON_QUERY_SIDE)";
    return b;
  }();
  return s;
}

// A request's reader: the embedded store's with a block cache of its own, as the API makes one
// per request; a database server's shared connection.
std::unique_ptr<siphon::query::CaptureReader> requestReader(BenchStore& b) {
  if (b.store) return std::make_unique<siphon::query::EmbeddedReader>(*b.store, siphon::record::CaptureRowOptions{});
  return std::make_unique<Borrowed>(*b.shared);
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
    auto r = requestReader(b)->search(q);
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
    auto r = siphon::query::assembleCall(*requestReader(b), q);
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
    auto r = requestReader(b)->search(q);
    if (r.has_value()) {
      rows += r->records.size();
      blocks += r->blocks_read;
    }
  });
  state.counters["rows_per_page"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
  state.counters["blocks_read"] = static_cast<double>(blocks) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_UserSearch24hFirstPage)->Unit(benchmark::kMillisecond)->Iterations(500);

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
    auto r = requestReader(b)->search(q);
    if (r.has_value()) rows += r->records.size();
  });
  state.counters["rows_per_page"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MethodSearch24hFirstPage)->Unit(benchmark::kMillisecond)->Iterations(50);

// The dashboard's queries over 24 hours (web/stats_routes.cc): a per-5-minute series of a
// minute dimension, and a top list of an hour dimension. Embedded store only.
template <class Query>
void statsBench(benchmark::State& state, Query&& query) {
  auto& b = benchStore();
  if (!b.error.empty()) return state.SkipWithError(b.error.c_str());
  if (!b.store) return state.SkipWithError("statistics: the embedded store only");
  const int64_t until = b.end_us / 1'000'000;
  const int64_t since = until - 24 * 3600;
  size_t rows = 0;
  timed(state, [&] {
    // A fresh read-only connection per request, as the API opens one.
    std::string_view path = std::getenv("SIPHON_QUERY_DB");
    if (path.starts_with("sqlite:")) path.remove_prefix(7);
    auto db = siphon::store::BlockStore::open(std::string(path), {}, /*read_only=*/true);
    if (!db.has_value()) return;
    auto r = query(**db, since, until);
    if (r.has_value()) rows += r->size();
  });
  state.counters["rows"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}

void BM_StatsSeriesMethod24h(benchmark::State& state) {
  statsBench(state, [](siphon::store::BlockStore& db, int64_t since, int64_t until) {
    return db.statsSeries(siphon::store::StatsDim::Method, since, until, 300);
  });
}
BENCHMARK(BM_StatsSeriesMethod24h)->Unit(benchmark::kMillisecond)->Iterations(50);

void BM_StatsTopSourceIp24h(benchmark::State& state) {
  statsBench(state, [](siphon::store::BlockStore& db, int64_t since, int64_t until) {
    return db.statsTop(siphon::store::StatsDim::SrcIp, since, until, 10);
  });
}
BENCHMARK(BM_StatsTopSourceIp24h)->Unit(benchmark::kMillisecond)->Iterations(50);

void BM_StatsTopUser24h(benchmark::State& state) {
  statsBench(state, [](siphon::store::BlockStore& db, int64_t since, int64_t until) {
    return db.statsTop(siphon::store::StatsDim::User, since, until, 10);
  });
}
BENCHMARK(BM_StatsTopUser24h)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace
