#include "pipeline/agent.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "core/db_url.h"
#include "hep/hep_decoder.h"
#include "sink/sip_duplicate_sink.h"
#include "sink/store_sink.h"
#include "source/ipip_raw_source.h"
#include "source/live_pcap_source.h"
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

/// One live source with its own extractor (reassembly state is per capture thread).
struct Agent::LiveCapture {
  std::string name;
  std::unique_ptr<source::PacketSource> source;
  std::unique_ptr<source::FrameRecordExtractor> extractor;
  std::function<uint64_t()> kernel_drops;  ///< read on the capture thread
  std::atomic<uint64_t> kernel_dropped{0};
  std::thread thread;
};

Agent::Agent(AgentConfig config)
    : config_(std::move(config)),
      out_queue_(config_.queue_size),
      store_queue_(config_.queue_size) {
  trace_on_ = config_.trace_on;
}

Agent::~Agent() { stop(); }

core::Result<void, core::Failure> Agent::start() {
  // raw_socket_listen first: a bad value must stop start-up before any sender runs.
  auto range = source::parseListenRange(config_.raw_socket_listen);
  if (!range) return core::unexpected(std::move(range).error());
  listen_range_ = *range;
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
    auto url = core::DbUrl::parse(config_.db_url.empty() ? "sqlite:siphon.db" : config_.db_url);
    if (!url) return core::unexpected(std::move(url).error());
    if (url->scheme != core::DbScheme::Sqlite) {
      return core::unexpected(core::Failure{"db_url: the agent stores into sqlite:PATH only", 2});
    }
    sink::StoreSinkOptions o;
    o.path = url->path;
    store_ = std::make_unique<sink::StoreSink>(std::move(o), store_queue_, store_stats_);
    SIPHON_TRY(store_->open());
    store_->start();
  }
  extractor_ = std::make_unique<source::FrameRecordExtractor>(
      extractorOptions(), [this](const source::ExtractedRecord& r) { onRecord(r, false); });
  started_ = true;
  return {};
}

source::FrameRecordExtractorOptions Agent::extractorOptions() const {
  source::FrameRecordExtractorOptions o;
  if (listen_range_.hasPorts()) {
    o.port_min = listen_range_.port_min;  // raw_socket_listen's ports narrow SIP in both raw modes
    o.port_max = listen_range_.port_max;
  }
  return o;
}

core::Result<void, core::Failure> Agent::startLive() {
  std::string filter = config_.filter;
  if (filter.empty() && config_.raw_moni_bpf_on && listen_range_.hasPorts()) {
    filter = source::portRangeBpf(listen_range_.port_min, listen_range_.port_max);
  }
  for (const auto& name : config_.interfaces) {
    source::LivePcapOptions o;
    o.interface = name;
    o.promiscuous = config_.promiscuous_on;
    o.filter = filter;
    auto src = source::LivePcapSource::open(o);
    if (!src) return core::unexpected(std::move(src).error());
    auto live = std::make_unique<LiveCapture>();
    live->name = name;
    auto* raw = src->get();
    live->kernel_drops = [raw] {
      auto st = raw->stats();
      return st ? uint64_t{st->dropped} + st->if_dropped : 0;
    };
    live->source = std::move(*src);
    live_.push_back(std::move(live));
  }
  if (config_.raw_ipip_capture_on) {
    source::IpipRawOptions o;
    o.listen = listen_range_.address;
    if (!config_.interfaces.empty()) o.interface = config_.interfaces.front();
    auto src = source::IpipRawSource::open(o);
    if (!src) return core::unexpected(std::move(src).error());
    auto live = std::make_unique<LiveCapture>();
    live->name = "ipip";
    live->source = std::move(*src);
    live_.push_back(std::move(live));
  }
  if (live_.empty()) {
    return core::unexpected(core::Failure{"agent: no live source: give --interface IF or raw_ipip_capture_on", 2});
  }
  for (auto& live : live_) {
    live->extractor = std::make_unique<source::FrameRecordExtractor>(
        extractorOptions(), [this](const source::ExtractedRecord& r) { onRecord(r, true); });
    live->thread = std::thread([this, l = live.get()] { captureLoop(*l); });
  }
  return {};
}

void Agent::captureLoop(LiveCapture& live) {
  auto last_expire = std::chrono::steady_clock::now();
  for (;;) {
    auto next = live.source->next();
    if (!next) {
      std::fprintf(stderr, "siphon agent: %s: %s\n", live.name.c_str(), next.error().message.c_str());
      break;
    }
    if (!next->has_value()) break;  // stopped
    const source::RawPacket& p = **next;
    if (!p.idle) live.extractor->onFrame(p);
    auto now = std::chrono::steady_clock::now();
    if (now - last_expire > std::chrono::seconds(1)) {  // idle TCP flows, stale fragments
      last_expire = now;
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
      live.extractor->expire(static_cast<uint64_t>(us));
      if (live.kernel_drops) live.kernel_dropped = live.kernel_drops();
    }
  }
  live.extractor->finish();
  if (live.kernel_drops) live.kernel_dropped = live.kernel_drops();
}

bool Agent::push(core::BoundedQueue<core::Capture>& queue, core::Capture&& capture, bool live) {
  if (live) {
    if (queue.tryPush(std::move(capture))) return true;
    queue_full_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  // Offline replay waits for room: a file is replayed whole. Bounded (10 s per record) so a
  // sender that never drains cannot hang the agent; such a record is counted not_queued.
  for (int i = 0; i < 10'000; ++i) {
    if (queue.tryPush(std::move(capture))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

void Agent::onRecord(const source::ExtractedRecord& record, bool live) {
  records_.fetch_add(1, std::memory_order_relaxed);
  if (!trace_on_.load(std::memory_order_relaxed)) {
    trace_off_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto capture = captureOf(record);
  if (!capture) return;
  if (store_) {
    auto copy = captureOf(record);
    if (copy) push(store_queue_, std::move(*copy), live);
  }
  if (out_) {
    if (push(out_queue_, std::move(*capture), live)) queued_.fetch_add(1, std::memory_order_relaxed);
  } else {
    queued_.fetch_add(1, std::memory_order_relaxed);
  }
}

core::Result<void, core::Failure> Agent::readFile(const std::string& path) {
  auto opened = source::PcapFileSource::open(path);
  if (!opened) return core::unexpected(std::move(opened).error());
  ++files_;
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
  for (auto& live : live_) live->source->stop();  // wakes next(): the loop ends
  for (auto& live : live_) {
    if (live->thread.joinable()) live->thread.join();
  }
  if (out_) out_->flushAndStop();
  if (store_) store_->flushAndStop();
}

AgentSummary Agent::summary() const {
  AgentSummary s;
  s.files = files_;
  s.records = records_.load();
  s.queued = queued_.load();
  s.trace_off = trace_off_.load();
  s.queue_full = queue_full_.load();
  // Extractor counters belong to their capture threads: exact once they stopped.
  auto add = [&s](const source::FrameRecordExtractor& ex) {
    const auto& c = ex.counters();
    s.extractor.frames += c.frames;
    s.extractor.records += c.records;
    s.extractor.not_sip += c.not_sip;
    s.extractor.fragments += c.fragments;
    s.extractor.reassembled += c.reassembled;
    s.extractor.out_of_ports += c.out_of_ports;
    s.extractor.unsupported += c.unsupported;
    for (const auto& [k, v] : c.errors) s.extractor.errors[k] += v;
    const auto& ip = ex.ipStats();
    s.ip_fragments_dropped += ip.timeout + ip.over_budget + ip.overlap + ip.too_large + ip.invalid;
    const auto& t = ex.tcpStats();
    s.tcp_streams_not_sip += t.streams_not_sip + t.streams_tls + t.streams_http;
  };
  if (extractor_) add(*extractor_);
  for (const auto& live : live_) {
    if (live->extractor && !live->thread.joinable()) add(*live->extractor);
    s.kernel_dropped += live->kernel_dropped.load();
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
  add("queue_full", s.queue_full);
  add("not_queued", s.records - s.trace_off - s.queued - s.queue_full);
  add("kernel", s.kernel_dropped);
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
