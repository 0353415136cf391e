#include "pipeline/agent.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/db_url.h"
#include "core/progress.h"
#include "pipeline/collector.h"
#include "pipeline/pipeline_totals.h"
#include "process/sip_parse.h"
#include "process/table_routing.h"
#include "sink/hep_out/hep_out_sink.h"
#include "sink/sip_duplicate_sink.h"
#include "sink/store_sink.h"
#include "source/interface_addresses.h"
#include "source/ipip_raw_source.h"
#include "source/live_capture_source.h"
#include "source/live_pcap_source.h"
#include "source/pcap_file_source.h"
#include "source/replay_pacer.h"
#include "trace/trace_processor.h"

namespace siphon::pipeline {

Agent::Agent(AgentConfig config, const core::Clock& clock)
    : config_(std::move(config)), clock_(clock), pipeline_(clock) {
  trace_.capture_on = config_.trace_on;
}

Agent::~Agent() { stop(); }

sink::SinkPtr Agent::sipDuplicate(const std::string& uri) const {
  sink::SipDuplicateOptions o;
  o.duplicate_uri = uri;
  o.force_send_sock = config_.force_send_sock;
  o.xheaders_write = config_.xheaders_write;
  o.trace_local_ip = config_.trace_local_ip;
  return std::make_unique<sink::SipDuplicateSink>(std::move(o));
}

core::Result<sink::SinkPtr, core::Failure> Agent::sender(const std::vector<std::string>& targets,
                                                         const std::string& key) const {
  if (!config_.hep_mode_on) {
    if (targets.size() != 1) {
      return core::unexpected(
          core::Failure{key + ": hep_mode_on=0 sends plain SIP to exactly one address", 2});
    }
    return sipDuplicate(targets.front());
  }
  sink::HepOutOptions o;
  for (const auto& text : targets) {
    // A SIP URI (the seeds' duplicate_uri form) or an address with its transport.
    if (text.starts_with("sip:")) {
      auto ep = sink::parseDuplicateTarget(text, key, 9060);
      if (!ep) return core::unexpected(std::move(ep).error());
      o.destinations.push_back(*ep);
    } else {
      auto ep = core::Endpoint::parse(text);
      if (!ep) return core::unexpected(core::Failure{key + ": " + ep.error().message, 2});
      o.destinations.push_back(*ep);
    }
  }
  o.encoding = config_.encoding;
  if (!config_.spool_dir.empty()) o.spool_dir = config_.spool_dir;
  return sink::SinkPtr(std::make_unique<sink::HepOutSink>(std::move(o), clock_));
}

core::Result<void, core::Failure> Agent::addOutputs() {
  LaneOptions lane;
  lane.capacity = config_.queue_size;
  trace::TraceLanes trace_lanes;
  if (!config_.hep.empty()) {
    SIPHON_ASSIGN_OR_RETURN(auto out, sender(config_.hep, "duplicate_uri"));
    SIPHON_ASSIGN_OR_RETURN(size_t index,
                            pipeline_.addLane(config_.hep_mode_on ? "hep out" : "sip duplicate",
                                              std::move(out), lane, /*by_default=*/true));
    trace_lanes.senders.set(index);
  }
  if (!config_.sip_duplicate_uri.empty()) {  // a plain copy beside the HEP (or a second one)
    SIPHON_ASSIGN_OR_RETURN(
        size_t index, pipeline_.addLane("sip duplicate", sipDuplicate(config_.sip_duplicate_uri),
                                        lane, /*by_default=*/true));
    trace_lanes.senders.set(index);
  }
  // sip_trace(address): a rule's destinations are a sender of their own, which the records
  // it takes go to instead of the default senders.
  for (const auto& rule : config_.trace_rules) {
    record::LaneSet own;
    if (!rule.actions.destinations.empty()) {
      const std::string key = rule.label + ": destinations";
      SIPHON_ASSIGN_OR_RETURN(auto out, sender(rule.actions.destinations, key));
      SIPHON_ASSIGN_OR_RETURN(size_t index, pipeline_.addLane(rule.label, std::move(out), lane,
                                                              /*by_default=*/false));
      own.set(index);
    }
    trace_lanes.per_rule.push_back(own);
  }
  if (config_.trace_to_database) {
    const std::string db_url = config_.db_url.empty() ? "sqlite:siphon.db" : config_.db_url;
    auto url = core::DbUrl::parse(db_url);
    if (!url) return core::unexpected(std::move(url).error());
    sink::StoreSinkOptions store;
    store.trace_to_database = true;
    store.spool_dir = config_.db_spool_dir;
    store.spool_max_bytes = config_.db_spool_max_bytes;
    store.store.trace_tables.push_back(config_.trace_table);
    for (const auto& rule : config_.trace_rules) {  // a sip_trace view per rule table
      if (!rule.actions.table.empty()) store.store.trace_tables.push_back(rule.actions.table);
    }
    SIPHON_ASSIGN_OR_RETURN(auto sink, makeStorageSink(db_url, store, clock_));
    SIPHON_ASSIGN_OR_RETURN(size_t index, pipeline_.addLane("store " + db_url, std::move(sink),
                                                            lane, /*by_default=*/true));
    // What the store reads: the SIP parse, and its table.
    pipeline_.addProcessor(std::make_unique<process::SipParseProcessor>(store.row.fields));
    std::vector<process::TableRoutingProcessor::LaneRouting> routing;
    routing.push_back({index, store.routing});
    pipeline_.addProcessor(std::make_unique<process::TableRoutingProcessor>(std::move(routing)));
    pipeline_.setQueryableStore({db_url, store.row, nullptr});
  } else if (!config_.trace_rules.empty()) {
    // Only the tracer reads it. With scopes, most messages belong to one already and need only
    // its keys (the tracer parses the rest of a message no scope holds); without, every
    // message meets the rules, which read the dialog fields.
    const bool scopes = std::any_of(
        config_.trace_rules.begin(), config_.trace_rules.end(),
        [](const trace::TraceRule& r) { return r.actions.scope != trace::TraceScope::Message; });
    pipeline_.addProcessor(std::make_unique<process::SipParseProcessor>(
        sip::FieldOptions{}, scopes ? sip::FieldSet::Keys : sip::FieldSet::Dialog));
  }
  // The tracing rules read the parse; without rules every message is traced on its own (and
  // the processor runs only to stamp what the sip_trace rows need).
  if (!config_.trace_rules.empty() || config_.trace_to_database) {
    trace::SipTraceRowOptions rows;
    rows.enabled = config_.trace_to_database;
    SIPHON_ASSIGN_OR_RETURN(rows.local_addresses, localAddresses());
    rows.table = config_.trace_table;
    auto rules = config_.trace_rules;
    SIPHON_TRY(trace::bindInterfaces(rules, recordSourceNames()));
    pipeline_.addProcessor(std::make_unique<trace::TraceProcessor>(
        std::move(rules), std::move(trace_lanes), config_.trace_state, std::move(rows)));
  }
  return {};
}

bool Agent::live() const { return config_.pcap_files.empty(); }

std::vector<std::string> Agent::recordSourceNames() const {
  std::vector<std::string> names{""};  // 0: pcap files (and what libsiphon_tracer is fed)
  if (!live()) return names;
  names.insert(names.end(), config_.interfaces.begin(), config_.interfaces.end());
  if (config_.raw_ipip_capture_on) names.emplace_back("ipip");
  return names;
}

core::Result<std::vector<core::AddressMatch>, core::Failure> Agent::localAddresses() const {
  if (!config_.local_addresses.empty() || !live()) return config_.local_addresses;
  // Live, without local_addresses: the captured interfaces' own addresses are the server's.
  std::vector<core::AddressMatch> out;
  for (const auto& name : config_.interfaces) {
    SIPHON_ASSIGN_OR_RETURN(auto addresses, source::interfaceAddresses(name));
    for (const auto& a : addresses) {
      auto m = core::AddressMatch::parse(a.toString());
      if (m) out.push_back(*m);
    }
  }
  return out;
}

core::Result<void, core::Failure> Agent::start() {
  // raw_socket_listen first: a bad value must stop start-up before any sender runs.
  auto range = source::parseListenRange(config_.raw_socket_listen);
  if (!range) return core::unexpected(std::move(range).error());
  listen_range_ = *range;
  if (config_.hep.empty() && config_.sip_duplicate_uri.empty() && !config_.trace_to_database) {
    return core::unexpected(
        core::Failure{"agent: no destination: give --hep ADDR (duplicate_uri) or --db URL", 2});
  }
  // trace_on first: a record the switch drops is neither parsed nor queued.
  pipeline_.addProcessor(std::make_unique<process::CaptureSwitchProcessor>(
      trace_, process::CaptureSwitchProcessor::Kind::Trace));
  SIPHON_TRY(addOutputs());
  pipeline_.addSwitch("trace", &trace_);
  pipeline_.addReporter(this);
  files_ =
      std::make_unique<source::FrameRecordExtractor>(extractorOptions(), [this](core::Capture&& c) {
        pipeline_.push(record::makeRecord(std::move(c)), source::PushPolicy::WaitForRoom);
      });
  SIPHON_TRY(pipeline_.start());
  started_ = true;
  return {};
}

source::FrameRecordExtractorOptions Agent::extractorOptions() const {
  source::FrameRecordExtractorOptions o;
  o.capture_rtcp = config_.capture_rtcp;
  if (listen_range_.hasPorts()) {
    o.port_min = listen_range_.port_min;  // raw_socket_listen's ports narrow SIP in both raw modes
    o.port_max = listen_range_.port_max;
  }
  return o;
}

void Agent::snapshot(std::vector<core::StageSnapshot>& out) const {
  // The offline reader is a stage once a file was read (a live agent reads none).
  if (files_ && files_read_.load(std::memory_order_relaxed) > 0) {
    out.push_back(files_->snapshot("pcap files"));
  }
}

core::Result<void, core::Failure> Agent::startLive() {
  std::string filter = config_.filter;
  if (filter.empty() && config_.raw_moni_bpf_on && listen_range_.hasPorts()) {
    filter = source::portRangeBpf(listen_range_.port_min, listen_range_.port_max);
  }
  std::vector<source::SourcePtr> live;
  uint16_t record_source = 0;  // as recordSourceNames() numbers them
  for (const auto& name : config_.interfaces) {
    ++record_source;
    source::LivePcapOptions o;
    o.interface = name;
    o.promiscuous = config_.promiscuous_on;
    o.filter = filter;
    auto src = source::LivePcapSource::open(o);
    if (!src) return core::unexpected(std::move(src).error());
    auto* raw = src->get();
    auto kernel_drops = [raw] {
      auto st = raw->stats();
      return st ? uint64_t{st->dropped} + st->if_dropped : 0;
    };
    live.push_back(std::make_unique<source::LiveCaptureSource>(
        name, record_source, std::move(*src), kernel_drops, extractorOptions(), pipeline_, clock_));
  }
  if (config_.raw_ipip_capture_on) {
    source::IpipRawOptions o;
    o.listen = listen_range_.address;
    if (!config_.interfaces.empty()) o.interface = config_.interfaces.front();
    auto src = source::IpipRawSource::open(o);
    if (!src) return core::unexpected(std::move(src).error());
    live.push_back(std::make_unique<source::LiveCaptureSource>(
        "ipip", ++record_source, std::move(*src), nullptr, extractorOptions(), pipeline_, clock_));
  }
  if (live.empty()) {
    return core::unexpected(
        core::Failure{"agent: no live source: give --interface IF or raw_ipip_capture_on", 2});
  }
  for (auto& s : live) SIPHON_TRY(pipeline_.addSource(std::move(s)));
  return {};
}

core::Result<void, core::Failure> Agent::readFile(const std::string& path) {
  auto opened = source::PcapFileSource::open(path, config_.filter);
  if (!opened) return core::unexpected(std::move(opened).error());
  files_read_.fetch_add(1, std::memory_order_relaxed);
  // One schedule per file: each file's own timing, each starting now.
  std::optional<source::ReplayPacer> pacer;
  if (config_.replay.paced()) pacer.emplace(config_.replay);
  std::error_code size_error;
  const auto size = std::filesystem::file_size(path, size_error);
  core::ProgressBar progress("reading " + std::filesystem::path(path).filename().string(),
                             size_error ? 0 : size, core::ProgressUnit::Bytes, core::stderrIsTerminal());
  uint64_t frames = 0;
  for (;;) {
    auto next = (*opened)->next();
    if (!next) {
      files_->finish();
      return core::unexpected(std::move(next).error());
    }
    if (!next->has_value()) break;
    if (++frames % 1024 == 0) progress.update((*opened)->bytesRead());
    if (pacer) {
      const source::RawPacket& p = **next;
      const auto now = source::ReplayPacer::Clock::now();
      const auto due = pacer->due(int64_t{p.ts_sec} * 1'000'000'000 + p.ts_nsec, now);
      if (due > now) std::this_thread::sleep_until(due);
    }
    files_->onFrame(**next);
  }
  progress.finish();
  files_->finish();
  return {};
}

void Agent::stop() {
  if (!started_) return;
  started_ = false;
  pipeline_.stop();
}

std::string Agent::summaryLine() const {
  const auto stages = pipeline_.snapshot();
  const auto totals = PipelineTotals::of(stages);
  auto sources = [&](std::string_view name) { return core::sumCount(stages, "source", name); };
  auto sinks = [&](std::string_view name) { return core::sumCount(stages, "sink", name); };
  std::string dropped;
  for (const auto& [reason, n] : totals.drops) {
    if (n > 0) dropped += fmt::format("{}{}: {}", dropped.empty() ? "" : ", ", reason, n);
  }
  const uint64_t not_sip = sources("not_sip"), unsupported = sources("unsupported"),
                 out_of_ports = sources("out_of_ports");
  const uint64_t spooled = sinks("spooled") - sinks("replayed");
  std::string line = fmt::format(
      "agent: read {} packets, {} records{}, sent {}{}, skipped {} (not sip: {}, unsupported: {}, "
      "out of ports: {}, tcp streams not sip: {}), dropped {}",
      sources("frames"), totals.received,
      config_.capture_rtcp ? fmt::format(" (rtcp {})", sources("rtcp")) : "", totals.relayed,
      spooled ? fmt::format(" (spooled {})", spooled) : "", not_sip + unsupported + out_of_ports,
      not_sip, unsupported, out_of_ports, sources("tcp_streams_not_sip"), totals.droppedTotal());
  if (!dropped.empty()) line += " (" + dropped + ")";
  if (const uint64_t truncated = sinks("truncated"); truncated > 0) {
    line += fmt::format(", truncated {} (too large for one HEP packet)", truncated);
  }
  if (config_.trace_to_database) line += fmt::format(", stored {}", totals.stored);
  if (files_read_.load(std::memory_order_relaxed) > 0) {
    line += fmt::format(", replayed at {}", config_.replay.describe());
  }
  return line;
}

}  // namespace siphon::pipeline
