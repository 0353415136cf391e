// fill_store: fills a store (the embedded one, PostgreSQL, MySQL or ClickHouse) with N realistic
// messages quickly, for the query benchmarks (bench/query_bench.cc). It goes straight through the
// collector's storage stage (the collector's SIP-parse and table-routing processors, then the
// storage sink of the db_url, in batches), without HEP or sockets.
//
// Traffic: SipTraffic scenarios (calls INVITE/100/180/200/ACK/BYE/200 with SDP, REGISTER,
// OPTIONS); a share of the calls goes through a B2BUA, which adds a B-leg with its own Call-ID
// whose INVITE carries "X-CID: <A-leg Call-ID>". Capture times are spread evenly over the last
// --hours hours. Next to the store, PATH.bench lists the end time and a sample of A-leg
// Call-IDs that the benchmark looks up (for a database server: the --side file).
//
//   fill_store --db /tmp/q.db --messages 10000000 --hours 48
//   fill_store --db postgres://u@127.0.0.1:5432/q --side /tmp/pg.bench --messages 10000000

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/byte_reader.h"
#include "core/db_url.h"
#include "core/progress.h"
#include "pipeline/collector.h"
#include "sink/store_sink.h"
#include "support/records.h"
#include "support/sip_traffic.h"

namespace {

using siphon::load::TrafficMessage;

// The B-leg of a call through a B2BUA at the A-leg's callee address: the same dialog shape,
// a new Call-ID, the far end at 127.0.2.x, X-CID on the INVITE.
std::vector<TrafficMessage> bLeg(const std::vector<TrafficMessage>& a, uint64_t n) {
  std::vector<TrafficMessage> b;
  if (a.empty()) return b;
  const std::string& a_cid = a.front().call_id;
  std::string b_cid = "b2b-" + std::to_string(n) + "-" + a_cid;
  auto b2bua = a.front().dst;
  uint16_t b2bua_port = a.front().dst_port;
  auto far = *siphon::core::IpAddress::parse("127.0.2." + std::to_string(n % 250 + 1));
  for (size_t i = 0; i < a.size(); ++i) {
    TrafficMessage m = a[i];
    for (size_t at = m.payload.find(a_cid); at != std::string::npos;
         at = m.payload.find(a_cid, at + b_cid.size())) {
      m.payload.replace(at, a_cid.size(), b_cid);
    }
    if (i == 0) {  // the initial INVITE names its A-leg (Kamailio callid_aleg_header X-CID)
      size_t eol = m.payload.find("\r\n", m.payload.find("Call-ID: "));
      m.payload.insert(eol + 2, "X-CID: " + a_cid + "\r\n");
    }
    bool up = a[i].src == a.front().src && a[i].src_port == a.front().src_port;
    m.src = up ? b2bua : far;
    m.dst = up ? far : b2bua;
    m.src_port = up ? b2bua_port : 5060;
    m.dst_port = up ? 5060 : b2bua_port;
    m.call_id = b_cid;
    b.push_back(std::move(m));
  }
  return b;
}

// What this process has written with write(2) and friends (/proc/self/io wchar): the store's
// WAL and checkpoint writes, to see how many bytes a stored message costs the disk.
uint64_t bytesWritten() {
  std::ifstream io("/proc/self/io");
  std::string name;
  uint64_t value = 0;
  while (io >> name >> value) {
    if (name == "wchar:") return value;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Fill an embedded store with realistic SIP calls", "fill_store");
  std::string db;
  uint64_t messages = 1'000'000;
  double hours = 48;
  int b2bua_percent = 50;
  siphon::load::TrafficOptions traffic;
  traffic.run_id = "fill";
  std::string side_path;
  app.add_option("--db", db, "sqlite:PATH or a file (replaced), or a database URL")->required();
  app.add_option("--side", side_path,
                 "where the Call-IDs to look up go (default: the store's PATH.bench)");
  app.add_option("--messages", messages, "messages to write")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}));
  app.add_option("--hours", hours, "capture times spread over the last HOURS")
      ->check(CLI::Range(0.01, 24.0 * 365));
  app.add_option("--b2bua-percent", b2bua_percent, "calls with a B2BUA B-leg")
      ->check(CLI::Range(0, 100));
  app.add_option("--seed", traffic.seed, "traffic seed");
  siphon::sink::StoreSinkOptions options;
  app.add_option("--bucket-keys", options.store.bucket_keys,
                 "embedded store: keys per key bucket (StoreOptions::bucket_keys)");
  app.add_option("--cache-mb", options.store.cache_mb, "embedded store: SQLite page cache");
  app.add_option("--block-records", options.store.block_records,
                 "embedded store: records per block (StoreOptions::block_records)");
  app.add_option("--users", traffic.users, "user pool size");
  app.add_option("--run-id", traffic.run_id, "Call-ID prefix");
  CLI11_PARSE(app, argc, argv);

  if (db.find(':') == std::string::npos) db = "sqlite:" + db;
  auto url = siphon::core::DbUrl::parse(db);
  if (!url.has_value()) {
    std::fprintf(stderr, "fill_store: %s\n", url.error().message.c_str());
    return 2;
  }
  if (url->scheme == siphon::core::DbScheme::Sqlite) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(url->path + suffix);
    if (side_path.empty()) side_path = url->path + ".bench";
  }
  if (side_path.empty()) {
    std::fprintf(stderr, "fill_store: --side FILE is needed for a database server\n");
    return 2;
  }
  options.spool_dir = "";  // a filler has no outage to ride out
  auto made = siphon::pipeline::makeStorageSink(db, options, siphon::core::systemClock());
  if (!made.has_value()) {
    std::fprintf(stderr, "fill_store: %s\n", made.error().message.c_str());
    return 2;
  }
  auto& sink = **made;
  // The collector's SIP parse (with the field set it would choose for this sink) and table
  // routing.
  siphon::support::RecordMaker processors(
      {}, {},
      sink.needsFullSipVerdict() ? siphon::sip::FieldSet::All : siphon::sip::FieldSet::Store);
  if (auto r = sink.open(); !r.has_value()) {
    std::fprintf(stderr, "fill_store: %s\n", r.error().message.c_str());
    return 1;
  }
  std::vector<siphon::record::RecordPtr> batch;
  batch.reserve(options.batch_size);

  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int64_t span_us = static_cast<int64_t>(hours * 3600e6);
  int64_t start_us = now_us - span_us;
  double avg_per_scenario = 5.0;  // 6/10 calls of 7 (+7 for B-legs), 4/10 of 2
  double step_us =
      static_cast<double>(span_us) / (static_cast<double>(messages) / avg_per_scenario);

  siphon::load::SipTraffic gen(traffic);
  std::vector<TrafficMessage> scenario;
  std::vector<std::string> sample;
  uint64_t written = 0, scenarios = 0, calls = 0;
  auto t0 = std::chrono::steady_clock::now();
  // A bar on a terminal; the million lines otherwise (logs of a benchmark run).
  const bool progress_on = siphon::core::stderrIsTerminal();
  siphon::core::ProgressBar progress("fill_store", messages, siphon::core::ProgressUnit::Items,
                                     progress_on);
  while (written < messages) {
    scenario.clear();
    gen.nextScenario(scenario);
    int64_t base = start_us + static_cast<int64_t>(static_cast<double>(scenarios) * step_us);
    ++scenarios;
    bool is_call = scenario.size() == 7;
    if (is_call) {
      ++calls;
      if (sample.size() < 20000 && calls % 50 == 1) sample.push_back(scenario.front().call_id);
      if (static_cast<int>(calls % 100) < b2bua_percent) {
        auto b = bLeg(scenario, calls);
        scenario.insert(scenario.end(), b.begin(), b.end());
      }
    }
    for (size_t i = 0; i < scenario.size() && written < messages; ++i) {
      // Within a call: A-leg messages 20 ms apart, each B-leg message 2 ms after its A twin.
      int64_t offset = static_cast<int64_t>(i % 7) * 20'000 + (i >= 7 ? 2'000 : 0);
      int64_t ts = std::min(base + offset, now_us);
      siphon::core::CaptureMeta meta;
      gen.toMeta(scenario[i], meta, static_cast<uint32_t>(ts / 1'000'000),
                 static_cast<uint32_t>(ts % 1'000'000));
      // The record owns its bytes (the batch outlives the scenario).
      siphon::core::Capture c = siphon::support::makeCapture(scenario[i].payload, [&] {
        siphon::support::CaptureSpec spec;
        spec.src = meta.src_ip.toString();
        spec.dst = meta.dst_ip.toString();
        spec.sport = meta.src_port;
        spec.dport = meta.dst_port;
        spec.ts_us = ts;
        spec.capture_id = meta.capture_id;
        return spec;
      }());
      batch.push_back(processors.make(std::move(c)));
      ++written;
      if (batch.size() == options.batch_size) {
        sink.write(batch);
        batch.clear();
      }
    }
    progress.update(written);
    if (!progress_on && written % 1'000'000 < scenario.size() && written >= 1'000'000) {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "fill_store: %llu messages, %.0f msg/s, %llu MB written\n",
                   static_cast<unsigned long long>(written), static_cast<double>(written) / s,
                   static_cast<unsigned long long>(bytesWritten() >> 20));
    }
  }
  progress.finish();
  if (!batch.empty()) sink.write(batch);
  sink.close();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::ofstream side(side_path);
  side << "end_us " << now_us << "\nhours " << hours << "\nusers " << traffic.users << "\n";
  for (const auto& cid : sample) side << "callid " << cid << "\n";
  const uint64_t stored = sink.stats().countOf(siphon::sink::StoreCount::Stored);
  std::error_code ec;
  const auto file =
      url->scheme == siphon::core::DbScheme::Sqlite ? std::filesystem::file_size(url->path, ec) : 0;
  std::printf(
      "{\"messages\":%llu,\"stored\":%llu,\"seconds\":%.2f,\"msg_per_s\":%.0f,\"db_bytes\":%llu,"
      "\"written_bytes\":%llu}\n",
      static_cast<unsigned long long>(written), static_cast<unsigned long long>(stored), secs,
      static_cast<double>(written) / secs, static_cast<unsigned long long>(file),
      static_cast<unsigned long long>(bytesWritten()));
  return stored == written ? 0 : 1;
}
