#include "pipeline/collector.h"

#include <chrono>

#include "core/byte_reader.h"
#include "core/db_url.h"
#include "sink/xheaders.h"
#include "sink/postgres_sink.h"

namespace siphon::pipeline {

namespace {

/// xheaders_read (siptrace seed): a plain SIP copy from a Kamailio with xheaders_write=1 and
/// hep_mode_on=0. The X-Siptrace-* headers give the original addresses, time and direction;
/// they are removed from the stored message. Without them the packet is dropped.
std::optional<core::Capture> readXHeaderCopy(std::span<const std::byte> packet) {
  auto read = sink::readXHeaders(core::asText(packet));
  if (!read) return std::nullopt;
  core::Capture c;
  const std::string& msg = read->message;
  c.raw.assign(reinterpret_cast<const std::byte*>(msg.data()),
               reinterpret_cast<const std::byte*>(msg.data()) + msg.size());
  auto& m = c.meta;
  m.hep_version = 0;
  m.ip_family = read->from.ip.isV6() ? 10 : 2;
  switch (read->from.proto) {
    case core::Transport::Tcp:
    case core::Transport::Tls:
    case core::Transport::Ws:
    case core::Transport::Wss:
      m.ip_proto = 6;
      break;
    case core::Transport::Sctp:
      m.ip_proto = 132;
      break;
    default:
      m.ip_proto = 17;
  }
  m.src_ip = read->from.ip;
  m.src_port = read->from.port;
  m.dst_ip = read->to.ip;
  m.dst_port = read->to.port;
  m.ts_sec = read->values.ts_sec;
  m.ts_usec = read->values.ts_usec;
  if (m.ts_sec == 0) {  // no time given: the arrival time, as for HEPv1
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
    m.ts_sec = static_cast<uint32_t>(us / 1'000'000);
    m.ts_usec = static_cast<uint32_t>(us % 1'000'000);
  }
  m.payload_type = 1;
  m.payload = c.raw;
  return c;
}

}  // namespace

class Collector::RuleSelector final : public source::LaneSelector {
 public:
  explicit RuleSelector(process::CaptureRules rules) : rules_(std::move(rules)) {}
  [[nodiscard]] size_t lane(const core::CaptureMeta& meta, size_t listener) const override {
    return rules_.lane(meta, listener);
  }

 private:
  process::CaptureRules rules_;
};

Collector::Collector(CollectorConfig config) : config_(std::move(config)) {
  capture_.capture_on = config_.capture_on;
  capture_.hep_capture_on = config_.hep_capture_on;
}

Collector::~Collector() { stop(); }

size_t Collector::queueDepth() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane.queue->size();
  return n;
}

size_t Collector::queueBytes() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane.queue->bytes();
  return n;
}

core::Result<std::unique_ptr<sink::Sink>, core::Failure> Collector::makeSink(
    const std::string& db_url, const sink::StoreSinkOptions& store,
    core::BoundedQueue<core::Capture>& queue) {
  auto url = core::DbUrl::parse(db_url);
  if (!url.has_value()) return core::unexpected(std::move(url).error());
  if (url->scheme == core::DbScheme::Sqlite) {
    auto store_options = store;
    store_options.path = url->path;
    return std::unique_ptr<sink::Sink>(std::make_unique<sink::StoreSink>(store_options, queue, stats_));
  }
  if (url->scheme == core::DbScheme::Postgres) {
    return std::unique_ptr<sink::Sink>(std::make_unique<sink::PostgresSink>(
        sink::PostgresSinkOptions::from(*url, store), queue, stats_));
  }
  return core::unexpected(core::Failure{"db_url: " + std::string(url->schemeName()) +
                                            ":// is not supported yet (use sqlite: or postgres://)",
                                        2});
}

core::Result<void, core::Failure> Collector::start() {
  auto rules = config_.captureRules();
  if (!rules.has_value()) return core::unexpected(std::move(rules).error());
  // The memory bound is shared: each lane gets its part of queue_memory_mb.
  const size_t lane_count = 1 + (rules->empty() ? 0 : config_.capture_modes.size());
  const size_t lane_bytes = (config_.queue_memory_mb << 20) / lane_count;
  for (size_t i = 0; i < lane_count; ++i) {
    Lane lane;
    lane.queue = std::make_unique<core::BoundedQueue<core::Capture>>(config_.queue_size, lane_bytes);
    auto store = config_.store;
    std::string db_url = config_.db_url;
    if (i > 0) {
      const CaptureMode& mode = config_.capture_modes[i - 1];
      store.routing = mode.routing;
      if (!mode.db_url.empty()) db_url = mode.db_url;
    }
    auto made = makeSink(db_url, store, *lane.queue);
    if (!made.has_value()) {
      stop();
      return core::unexpected(core::Failure{
          (i == 0 ? std::string() : "capture_mode " + config_.capture_modes[i - 1].name + ": ") +
              made.error().message,
          made.error().exit_code});
    }
    lane.sink = std::move(*made);
    if (auto opened = lane.sink->open(); !opened.has_value()) {
      stop();
      return opened;
    }
    lane.sink->start();
    lanes_.push_back(std::move(lane));
    stopped_ = false;
  }
  selector_ = std::make_unique<RuleSelector>(std::move(*rules));
  std::vector<core::BoundedQueue<core::Capture>*> queues;
  for (auto& lane : lanes_) queues.push_back(lane.queue.get());

  source::HepIngestOptions ingest_options;
  ingest_options.auth_key = config_.hep_auth_key;
  if (config_.xheaders_read) ingest_options.plain_sip = readXHeaderCopy;
  for (const auto& ep : config_.listen) {
    ingest_.push_back(std::make_unique<source::HepIngest>(queues, selector_.get(), ingest_.size(),
                                                          stats_, capture_, ingest_options));
    source::HepIngest& ingest = *ingest_.back();
    core::Result<void, core::Failure> started;
    switch (ep.proto) {
      case core::EndpointProto::Udp:
        udp_.push_back(std::make_unique<source::UdpHepSource>(ep, config_.workers, ingest));
        started = udp_.back()->start();
        break;
      case core::EndpointProto::Tcp:
        tcp_.push_back(std::make_unique<source::TcpHepSource>(ep, ingest));
        started = tcp_.back()->start();
        break;
      case core::EndpointProto::Tls:
        tls_.push_back(std::make_unique<source::TlsHepSource>(
            ep, source::TlsOptions{config_.tls_certificate, config_.tls_private_key}, ingest));
        started = tls_.back()->start();
        break;
    }
    if (!started.has_value()) {
      stop();
      return started;
    }
  }
  return {};
}

std::vector<core::Endpoint> Collector::listeners() const {
  std::vector<core::Endpoint> out;
  size_t u = 0, t = 0, s = 0;
  for (const auto& ep : config_.listen) {
    if (ep.proto == core::EndpointProto::Udp && u < udp_.size()) out.push_back(udp_[u++]->endpoint());
    if (ep.proto == core::EndpointProto::Tcp && t < tcp_.size()) out.push_back(tcp_[t++]->endpoint());
    if (ep.proto == core::EndpointProto::Tls && s < tls_.size()) out.push_back(tls_[s++]->endpoint());
  }
  return out;
}

void Collector::stop() {
  if (stopped_) return;
  stopped_ = true;
  udp_.clear();  // each source joins its threads after draining its socket
  tcp_.clear();
  tls_.clear();
  for (auto& lane : lanes_) lane.sink->flushAndStop();
}

}  // namespace siphon::pipeline
