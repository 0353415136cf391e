#pragma once
// The collector preset of the pipeline (`siphon serve`): HEP sources → bounded queue →
// store sink, with the capture switch and the counters. Tests drive it in process; the CLI
// only adds flags, signals and printing.

#include <memory>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/ingest_stats.h"
#include "core/result.h"
#include "pipeline/collector_config.h"
#include "sink/sink.h"
#include "sink/store_sink.h"
#include "source/hep_ingest.h"
#include "source/tcp_hep_source.h"
#include "source/tls_hep_source.h"
#include "source/udp_hep_source.h"

namespace siphon::pipeline {

class Collector {
 public:
  explicit Collector(CollectorConfig config);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Opens the store, starts the sink, binds every listener. On error nothing keeps running.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Stops the sources (each drains what the kernel holds), writes everything queued, closes.
  void stop();

  /// The listeners as bound (port 0 replaced by the real port), in configuration order.
  [[nodiscard]] std::vector<core::Endpoint> listeners() const;
  [[nodiscard]] source::CaptureSwitch& captureSwitch() { return capture_; }
  [[nodiscard]] const core::IngestStats& stats() const { return stats_; }
  /// Records waiting for storage, over every lane.
  [[nodiscard]] size_t queueDepth() const;
  [[nodiscard]] size_t queueBytes() const;
  [[nodiscard]] const CollectorConfig& config() const { return config_; }

 private:
  CollectorConfig config_;
  core::IngestStats stats_;
  source::CaptureSwitch capture_;
  /// A storage lane: its queue and its sink. Lane 0 is db_url/table_name; lane i+1 is the
  /// capture_mode i, chosen per record by the capture_mode_rule list.
  struct Lane {
    std::unique_ptr<core::BoundedQueue<core::Capture>> queue;
    std::unique_ptr<sink::Sink> sink;
  };
  class RuleSelector;
  [[nodiscard]] core::Result<std::unique_ptr<sink::Sink>, core::Failure> makeSink(
      const std::string& db_url, const sink::StoreSinkOptions& store,
      core::BoundedQueue<core::Capture>& queue);

  std::vector<Lane> lanes_;
  std::unique_ptr<RuleSelector> selector_;
  std::vector<std::unique_ptr<source::HepIngest>> ingest_;  ///< one per listener
  std::vector<std::unique_ptr<source::UdpHepSource>> udp_;
  std::vector<std::unique_ptr<source::TcpHepSource>> tcp_;
  std::vector<std::unique_ptr<source::TlsHepSource>> tls_;
  bool stopped_ = true;
};

}  // namespace siphon::pipeline
