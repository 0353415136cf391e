#pragma once
// The collector configuration of the pipeline (`siphon serve`):
//
//   HEP listeners (udp/tcp/tls) → [relay loop guard] → capture_on → hep_auth_key
//     → xheaders_read → arrival time → [named hep_route rules] → SIP parse → [routing rules,
//     capture_mode_rule among them] → table routing → storage lanes, relay lanes
//
// Lane 0 stores into db_url/table_name; each capture_mode has a lane of its own when a rule
// names one; each relay destination has a lane (a HEP-out sink with its queue and spool). Tests
// drive it in process; the CLI only adds flags, signals and printing.

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "pipeline/collector_config.h"
#include "pipeline/pipeline.h"
#include "pipeline/pipeline_totals.h"
#include "process/capture_switch.h"

namespace siphon::pipeline {

class Collector {
 public:
  /// `clock` must outlive the collector.
  explicit Collector(CollectorConfig config, const core::Clock& clock = core::systemClock());
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Builds the pipeline, opens the stores, binds every listener. On error nothing keeps
  /// running.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Stops the sources (each drains what the kernel holds), writes everything queued, closes.
  void stop();
  /// What was received so far is written (Pipeline::sync).
  void sync() { pipeline_.sync(); }

  /// The listeners as bound (port 0 replaced by the real port), in configuration order.
  [[nodiscard]] std::vector<core::Endpoint> listeners() const;
  [[nodiscard]] process::CaptureSwitch& captureSwitch() { return capture_; }
  /// Received, stored, dropped by reason: the sums over the stages.
  [[nodiscard]] PipelineTotals stats() const { return PipelineTotals::of(pipeline_.snapshot()); }
  /// Records waiting for storage, over every lane.
  [[nodiscard]] size_t queueDepth() const { return pipeline_.queueDepth(); }
  [[nodiscard]] size_t queueBytes() const { return pipeline_.queueBytes(); }
  [[nodiscard]] const CollectorConfig& config() const { return config_; }
  [[nodiscard]] Pipeline& pipeline() { return pipeline_; }
  [[nodiscard]] const Pipeline& pipeline() const { return pipeline_; }
  /// The relay id in use (relay_id, or the random one of this run); 0 before start.
  [[nodiscard]] uint32_t relayId() const { return relay_id_; }

 private:
  [[nodiscard]] core::Result<void, core::Failure> build();

  CollectorConfig config_;
  const core::Clock& clock_;
  process::CaptureSwitch capture_;
  Pipeline pipeline_;
  uint32_t relay_id_ = 0;  ///< on the relay path of what this collector relays
  std::shared_ptr<sink::RecordTap> tap_;  ///< the default store's written records (live tail)
  bool built_ = false;
};

/// The storage sink of a db_url: the embedded store (sqlite:) or PostgreSQL (postgres://);
/// other schemes are refused (exit code 2).
[[nodiscard]] core::Result<sink::SinkPtr, core::Failure> makeStorageSink(
    const std::string& db_url, const sink::StoreSinkOptions& store, const core::Clock& clock);

}  // namespace siphon::pipeline
