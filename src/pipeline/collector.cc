#include "pipeline/collector.h"

#include "core/db_url.h"
#include "sink/postgres_sink.h"

namespace siphon::pipeline {

Collector::Collector(CollectorConfig config)
    : config_(std::move(config)), queue_(config_.queue_size, config_.queue_memory_mb << 20) {
  capture_.capture_on = config_.capture_on;
  capture_.hep_capture_on = config_.hep_capture_on;
}

Collector::~Collector() { stop(); }

core::Result<void, core::Failure> Collector::start() {
  auto url = core::DbUrl::parse(config_.db_url);
  if (!url.has_value()) return core::unexpected(std::move(url).error());
  if (url->scheme == core::DbScheme::Sqlite) {
    auto store_options = config_.store;
    store_options.path = url->path;
    sink_ = std::make_unique<sink::StoreSink>(store_options, queue_, stats_);
  } else if (url->scheme == core::DbScheme::Postgres) {
    sink_ = std::make_unique<sink::PostgresSink>(
        sink::PostgresSinkOptions::from(*url, config_.store), queue_, stats_);
  } else {
    return core::unexpected(core::Failure{"db_url: " + std::string(url->schemeName()) +
                                              ":// is not supported yet (use sqlite: or postgres://)",
                                          2});
  }
  SIPHON_TRY(sink_->open());
  sink_->start();
  stopped_ = false;

  source::HepIngestOptions ingest_options;
  ingest_options.auth_key = config_.hep_auth_key;
  ingest_ = std::make_unique<source::HepIngest>(queue_, stats_, capture_, ingest_options);
  for (const auto& ep : config_.listen) {
    core::Result<void, core::Failure> started;
    switch (ep.proto) {
      case core::EndpointProto::Udp:
        udp_.push_back(std::make_unique<source::UdpHepSource>(ep, config_.workers, *ingest_));
        started = udp_.back()->start();
        break;
      case core::EndpointProto::Tcp:
        tcp_.push_back(std::make_unique<source::TcpHepSource>(ep, *ingest_));
        started = tcp_.back()->start();
        break;
      case core::EndpointProto::Tls:
        tls_.push_back(std::make_unique<source::TlsHepSource>(
            ep, source::TlsOptions{config_.tls_certificate, config_.tls_private_key}, *ingest_));
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
  if (sink_) sink_->flushAndStop();
}

}  // namespace siphon::pipeline
