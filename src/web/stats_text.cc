#include "web/stats_text.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "pipeline/pipeline_totals.h"
#include "sink/sink.h"

namespace siphon::web {
namespace {

// Prometheus label values: backslash, double quote and newline are escaped (exposition
// format 0.0.4).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

struct BatchFigures {
  uint64_t batches = 0, total_us = 0, max_us = 0;
};

BatchFigures batchFigures(std::span<const core::StageSnapshot> stages) {
  BatchFigures b;
  for (const auto& s : stages) {
    if (s.kind != "sink") continue;
    b.batches += s.count("batches");
    b.total_us += s.count("batch_us");
    b.max_us = std::max(b.max_us, s.count("batch_max_us"));
  }
  return b;
}

const char* onOff(const process::CaptureSwitch& s) { return s.accepting() ? "on" : "off"; }

// The steady-state memory of a collector is the lanes' queues (queue_memory_mb at most) plus
// the store's page cache (store_cache_mb at most) plus a fixed part (code, threads' stacks,
// socket buffers, the HTTP server). The allocator keeps the heap the queues held at their
// fullest, so it is their high-water mark that stays resident:
// rss = queue_peak + store_cache + other.
struct Memory {
  uint64_t rss = 0, queue = 0, queue_peak = 0, store_cache = 0, other = 0;
};

Memory memoryOf(const pipeline::Pipeline& p, std::span<const core::StageSnapshot> stages) {
  Memory m;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
      m.rss = static_cast<uint64_t>(resident) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    }
    std::fclose(f);
  }
  m.queue = p.queueBytes();
  m.queue_peak = p.queuePeakBytes();
  m.store_cache = core::sumCount(stages, "sink", "cache_bytes");
  const uint64_t known = m.queue_peak + m.store_cache;
  m.other = m.rss > known ? m.rss - known : 0;
  return m;
}

struct SinkReport {
  std::string name;
  sink::SinkHealth health;
};

std::vector<SinkReport> sinkReports(const pipeline::Pipeline& p) {
  std::vector<SinkReport> out;
  for (size_t i = 0; i < p.laneCount(); ++i) {
    const auto& sink = p.lane(i).sink();
    out.push_back({sink.stats().stage(), sink.health()});
  }
  return out;
}

nlohmann::json sinksJson(const std::vector<SinkReport>& reports) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : reports) {
    nlohmann::json s = {{"sink", r.name},
                        {"state", sink::sinkStateName(r.health.state)},
                        {"spool_records", r.health.spool_records},
                        {"spool_bytes", r.health.spool_bytes},
                        {"spool_age_s", r.health.spool_age_s}};
    // A database's message may hold any byte: never let it break the document.
    if (!r.health.error.empty()) s["error"] = r.health.error;
    list.push_back(std::move(s));
  }
  return list;
}

}  // namespace

std::string healthJson(const pipeline::Pipeline& p, int& http_status) {
  const auto reports = sinkReports(p);
  std::string_view status = "ok";
  for (const auto& r : reports) {
    if (r.health.state == sink::SinkState::Down) status = "down";
    if (r.health.state != sink::SinkState::Ok && status == "ok") status = "degraded";
  }
  http_status = status == "down" ? 503 : 200;
  nlohmann::json j = {{"status", status}, {"sinks", sinksJson(reports)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string statsJson(const pipeline::Pipeline& p) {
  const auto stages = p.snapshot();
  const auto totals = pipeline::PipelineTotals::of(stages);
  const auto batch = batchFigures(stages);
  nlohmann::json dropped = nlohmann::json::object();
  for (const auto& [reason, n] : totals.drops) dropped[reason] = n;
  nlohmann::json j = {
      {"received", totals.received},
      {"stored", totals.stored},
      {"unparsed_sip", totals.unparsed_sip},
      {"relayed", totals.relayed},
      {"dropped", totals.droppedTotal()},
      {"dropped_by_reason", dropped},
      {"queued", core::sumCount(stages, "lane", "queued")},
      {"queue_depth", p.queueDepth()},
      {"queue_bytes", p.queueBytes()},
      {"store_batches", batch.batches},
      {"store_batch_ms_avg",
       batch.batches ? batch.total_us / 1000.0 / static_cast<double>(batch.batches) : 0.0},
      {"store_batch_ms_max", batch.max_us / 1000.0}};
  for (const char* name : {"capture", "trace"}) {
    if (const auto* s = p.findSwitch(name)) j[name] = onOff(*s);
  }
  const Memory mem = memoryOf(p, stages);
  j["memory"] = {{"rss_bytes", mem.rss},
                 {"queue_bytes", mem.queue},
                 {"queue_peak_bytes", mem.queue_peak},
                 {"store_cache_bytes", mem.store_cache},
                 {"other_bytes", mem.other}};
  const auto reports = sinkReports(p);
  uint64_t spool_records = 0;
  int64_t spool_age = 0;
  for (const auto& r : reports) {
    spool_records += r.health.spool_records;
    spool_age = std::max(spool_age, r.health.spool_age_s);
  }
  j["spool_records"] = spool_records;
  j["spool_age_s"] = spool_age;
  j["sinks"] = sinksJson(reports);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : stages) {
    nlohmann::json counts = nlohmann::json::object(), drops = nlohmann::json::object();
    for (const auto& [n, v] : s.counts) counts[n] = v;
    for (const auto& [n, v] : s.drops) drops[n] = v;
    list.push_back({{"stage", s.stage}, {"kind", s.kind}, {"counts", counts}, {"dropped", drops}});
  }
  j["stages"] = std::move(list);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string metricsText(const pipeline::Pipeline& p) {
  const auto stages = p.snapshot();
  const auto totals = pipeline::PipelineTotals::of(stages);
  const auto batch = batchFigures(stages);
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto line = [&](const std::string& name, auto v) {
    out += name + " " + std::to_string(v) + "\n";
  };
  metric("siphon_received_total", "counter", "packets or records that came in from any source");
  line("siphon_received_total", totals.received);
  metric("siphon_stored_total", "counter", "records committed to a store");
  line("siphon_stored_total", totals.stored);
  metric("siphon_relayed_total", "counter", "packets sent on (HEP out, plain SIP copies)");
  line("siphon_relayed_total", totals.relayed);
  metric("siphon_unparsed_sip_total", "counter", "records stored raw with a SIP parse error");
  line("siphon_unparsed_sip_total", totals.unparsed_sip);
  metric("siphon_dropped_total", "counter", "records dropped, by reason");
  for (const auto& [reason, n] : totals.drops) {
    line("siphon_dropped_total{reason=\"" + label(reason) + "\"}", n);
  }
  metric("siphon_store_batch_seconds", "summary", "time of the stores' write transactions");
  line("siphon_store_batch_seconds_sum", batch.total_us / 1e6);
  line("siphon_store_batch_seconds_count", batch.batches);
  metric("siphon_store_batch_max_seconds", "gauge", "the longest store write transaction");
  line("siphon_store_batch_max_seconds", batch.max_us / 1e6);
  metric("siphon_queue_depth", "gauge", "records waiting in the lanes' queues");
  line("siphon_queue_depth", p.queueDepth());
  metric("siphon_queue_bytes", "gauge", "bytes of the records waiting in the lanes' queues");
  line("siphon_queue_bytes", p.queueBytes());
  const Memory mem = memoryOf(p, stages);
  metric("siphon_memory_bytes", "gauge",
         "resident memory: the lanes' queues, the store's page cache, and the rest");
  line("siphon_memory_bytes{part=\"rss\"}", mem.rss);
  line("siphon_memory_bytes{part=\"queue\"}", mem.queue);
  line("siphon_memory_bytes{part=\"queue_peak\"}", mem.queue_peak);
  line("siphon_memory_bytes{part=\"store_cache\"}", mem.store_cache);
  line("siphon_memory_bytes{part=\"other\"}", mem.other);
  if (const auto* s = p.findSwitch("capture")) {
    metric("siphon_capture_on", "gauge", "1 when capture_on and hep_capture_on are both on");
    line("siphon_capture_on", s->accepting() ? 1 : 0);
  }
  if (const auto* s = p.findSwitch("trace")) {
    metric("siphon_trace_on", "gauge", "1 when trace_on is on");
    line("siphon_trace_on", s->accepting() ? 1 : 0);
  }
  const auto reports = sinkReports(p);
  metric("siphon_sink_state", "gauge",
         "1 for each sink's state: ok, retrying, spooling (nothing lost) or down (dropping)");
  for (const auto& r : reports) {
    for (auto st : {sink::SinkState::Ok, sink::SinkState::Retrying, sink::SinkState::Spooling,
                    sink::SinkState::Down}) {
      line("siphon_sink_state{sink=\"" + label(r.name) + "\",state=\"" +
               std::string(sink::sinkStateName(st)) + "\"}",
           r.health.state == st ? 1 : 0);
    }
  }
  metric("siphon_spool_records", "gauge", "records waiting in a sink's disk spool");
  for (const auto& r : reports) {
    line("siphon_spool_records{sink=\"" + label(r.name) + "\"}", r.health.spool_records);
  }
  metric("siphon_spool_bytes", "gauge", "bytes of a sink's disk spool files");
  for (const auto& r : reports) {
    line("siphon_spool_bytes{sink=\"" + label(r.name) + "\"}", r.health.spool_bytes);
  }
  metric("siphon_spool_age_seconds", "gauge", "how long the oldest spooled record has waited");
  for (const auto& r : reports) {
    line("siphon_spool_age_seconds{sink=\"" + label(r.name) + "\"}", r.health.spool_age_s);
  }
  metric("siphon_stage_total", "counter", "what each stage did, by counter");
  for (const auto& s : stages) {
    for (const auto& [n, v] : s.counts) {
      line("siphon_stage_total{stage=\"" + label(s.stage) + "\",kind=\"" + s.kind +
               "\",counter=\"" + n + "\"}",
           v);
    }
  }
  metric("siphon_stage_dropped_total", "counter", "what each stage dropped, by reason");
  for (const auto& s : stages) {
    for (const auto& [n, v] : s.drops) {
      line("siphon_stage_dropped_total{stage=\"" + label(s.stage) + "\",kind=\"" + s.kind +
               "\",reason=\"" + label(n) + "\"}",
           v);
    }
  }
  return out;
}

}  // namespace siphon::web
