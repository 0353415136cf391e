#include "pipeline/agent.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "pipeline/collector_config.h"
#include "hep/hep_decoder.h"
#include "sink/sip_duplicate_sink.h"
#include "sink/store_sink.h"
#include "source/pcap_file_source.h"

namespace siphon::pipeline {

core::Result<core::Capture, core::Failure> captureOf(const source::ExtractedRecord& r) {
  if (!r.hep_packet.empty()) {
    auto decoded = hep::decodeHepCapture(std::vector<std::byte>(r.hep_packet.begin(), r.hep_packet.end()));
    if (!decoded) return core::unexpected(core::Failure{"HEP packet did not decode twice", 1});
    if (decoded->meta.ts_sec == 0) {  // HEPv1: the time the extractor gave it
      decoded->meta.ts_sec = r.meta.ts_sec;
      decoded->meta.ts_usec = r.meta.ts_usec;
    }
    return std::move(*decoded);
  }
  core::Capture c;
  c.raw.assign(r.meta.payload.begin(), r.meta.payload.end());
  c.meta = r.meta;
  c.meta.payload = c.raw;
  return c;
}

Agent::Agent(AgentConfig config)
    : config_(std::move(config)),
      out_queue_(config_.queue_size),
      store_queue_(config_.queue_size) {
  trace_on_ = config_.trace_on;
}

Agent::~Agent() { stop(); }

core::Result<void, core::Failure> Agent::start() {
  if (config_.hep.empty() && !config_.trace_to_database) {
    return core::unexpected(core::Failure{"agent: no destination: give --hep ADDR (duplicate_uri) or --db URL", 2});
  }
  if (!config_.hep.empty()) {
    if (config_.hep_mode_on) {
      sink::HepOutOptions o;
      for (const auto& text : config_.hep) {
        // A SIP URI (the seeds' duplicate_uri form) or an address with its transport.
        if (text.starts_with("sip:")) {
          auto ep = sink::parseDuplicateTarget(text, "duplicate_uri", 9060);
          if (!ep) return core::unexpected(std::move(ep).error());
          o.destinations.push_back(*ep);
        } else {
          auto ep = core::Endpoint::parse(text);
          if (!ep) return core::unexpected(core::Failure{"duplicate_uri: " + ep.error().message, 2});
          o.destinations.push_back(*ep);
        }
      }
      o.encoding = config_.encoding;
      if (!config_.spool_dir.empty()) o.spool_dir = config_.spool_dir;
      auto hep = std::make_unique<sink::HepOutSink>(std::move(o), out_queue_);
      hep_ = hep.get();
      out_ = std::move(hep);
    } else {
      if (config_.hep.size() != 1) {
        return core::unexpected(core::Failure{"duplicate_uri: hep_mode_on=0 sends plain SIP to exactly one address", 2});
      }
      sink::SipDuplicateOptions o;
      o.duplicate_uri = config_.hep.front();
      o.force_send_sock = config_.force_send_sock;
      o.xheaders_write = config_.xheaders_write;
      o.trace_local_ip = config_.trace_local_ip;
      out_ = std::make_unique<sink::SipDuplicateSink>(std::move(o), out_queue_);
    }
    SIPHON_TRY(out_->open());
    out_->start();
  }
  if (config_.trace_to_database) {
    auto path = CollectorConfig::sqlitePath(config_.db_url.empty() ? "sqlite:siphon.db" : config_.db_url);
    if (!path) return core::unexpected(std::move(path).error());
    sink::StoreSinkOptions o;
    o.path = *path;
    store_ = std::make_unique<sink::StoreSink>(std::move(o), store_queue_, store_stats_);
    SIPHON_TRY(store_->open());
    store_->start();
  }
  source::FrameRecordExtractorOptions eo;
  extractor_ = std::make_unique<source::FrameRecordExtractor>(
      eo, [this](const source::ExtractedRecord& r) { onRecord(r); });
  started_ = true;
  return {};
}

void Agent::push(core::BoundedQueue<core::Capture>& queue, core::Capture&& capture) {
  // Offline replay: wait for room (bounded in time per record so a dead sender cannot hang
  // the agent forever; what still finds no room is sent by nobody and counted by the sink's
  // queue_full... here: counted as not queued).
  for (int i = 0; i < 10'000; ++i) {
    if (queue.tryPush(std::move(capture))) {
      ++summary_.queued;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Agent::onRecord(const source::ExtractedRecord& record) {
  ++summary_.records;
  if (!trace_on_.load(std::memory_order_relaxed)) {
    ++summary_.trace_off;
    return;
  }
  auto capture = captureOf(record);
  if (!capture) return;
  if (store_) {
    auto copy = captureOf(record);
    if (copy) push(store_queue_, std::move(*copy));
  }
  if (out_) push(out_queue_, std::move(*capture));
}

core::Result<void, core::Failure> Agent::readFile(const std::string& path) {
  auto opened = source::PcapFileSource::open(path);
  if (!opened) return core::unexpected(std::move(opened).error());
  ++summary_.files;
  for (;;) {
    auto next = (*opened)->next();
    if (!next) {
      extractor_->finish();
      return core::unexpected(std::move(next).error());
    }
    if (!next->has_value()) break;
    extractor_->onFrame(**next);
  }
  extractor_->finish();
  return {};
}

void Agent::stop() {
  if (!started_) return;
  started_ = false;
  if (out_) out_->flushAndStop();
  if (store_) store_->flushAndStop();
}

AgentSummary Agent::summary() const {
  AgentSummary s = summary_;
  if (extractor_) {
    s.extractor = extractor_->counters();
    const auto& ip = extractor_->ipStats();
    s.ip_fragments_dropped = ip.timeout + ip.over_budget + ip.overlap + ip.too_large + ip.invalid;
    const auto& t = extractor_->tcpStats();
    s.tcp_streams_not_sip = t.streams_not_sip + t.streams_tls + t.streams_http;
  }
  return s;
}

std::string Agent::summaryLine() const {
  AgentSummary s = summary();
  const auto& c = s.extractor;
  std::string dropped;
  uint64_t dropped_total = 0;
  auto add = [&](std::string_view reason, uint64_t n) {
    if (n == 0) return;
    dropped += fmt::format("{}{}: {}", dropped.empty() ? "" : ", ", reason, n);
    dropped_total += n;
  };
  uint64_t sent = 0, spooled = 0;
  if (hep_) {
    const auto& h = hep_->stats();
    sent = h.sent.load();
    spooled = h.spooled.load() - h.replayed.load();
    for (size_t i = 0; i < h.dropped.size(); ++i) {
      add(sink::hepOutDropName(static_cast<sink::HepOutDrop>(i)), h.dropped[i].load());
    }
  } else if (auto* dup = dynamic_cast<const sink::SipDuplicateSink*>(out_.get())) {
    sent = dup->stats().sent.load();
    for (size_t i = 0; i < dup->stats().dropped.size(); ++i) {
      add(sink::sipDuplicateDropName(static_cast<sink::SipDuplicateDrop>(i)), dup->stats().dropped[i].load());
    }
  }
  add("not_queued", s.records - s.trace_off - s.queued);
  add("trace_off", s.trace_off);
  add("ip_fragments", s.ip_fragments_dropped);
  for (const auto& [reason, n] : c.errors) add(reason, n);
  std::string line = fmt::format(
      "agent: read {} packets, {} records, sent {}{}, skipped {} (not sip: {}, unsupported: {}, "
      "out of ports: {}, tcp streams not sip: {}), dropped {}",
      c.frames, s.records, sent, spooled ? fmt::format(" (spooled {})", spooled) : "",
      c.not_sip + c.unsupported + c.out_of_ports, c.not_sip, c.unsupported, c.out_of_ports,
      s.tcp_streams_not_sip, dropped_total);
  if (!dropped.empty()) line += " (" + dropped + ")";
  if (hep_ && hep_->stats().truncated.load() > 0) {
    line += fmt::format(", truncated {} (too large for one HEP packet)", hep_->stats().truncated.load());
  }
  if (store_) line += fmt::format(", stored {}", store_stats_.stored.load());
  return line;
}

}  // namespace siphon::pipeline
