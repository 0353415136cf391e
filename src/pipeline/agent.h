#pragma once
// The agent preset of the pipeline (`siphon agent`): frames from pcap files (and live
// interfaces) → FrameRecordExtractor (reassembly, tunnels) → bounded queue → HEP out (or the
// plain SIP duplicate with hep_mode_on=0), and optionally the embedded store as well
// (trace_to_database). Offline input waits for the senders instead of dropping: a file is
// replayed whole. Tests drive it in process; the CLI adds flags and the summary line.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/ingest_stats.h"
#include "core/result.h"
#include "pipeline/agent_config.h"
#include "sink/hep_out_sink.h"
#include "sink/sink.h"
#include "source/frame_record_extractor.h"
#include "source/listen_range.h"

namespace siphon::pipeline {

struct AgentSummary {
  uint64_t files = 0;
  uint64_t records = 0;       ///< SIP/HEP records found
  uint64_t queued = 0;        ///< records handed to the senders
  uint64_t trace_off = 0;     ///< records not sent because trace_on was off
  uint64_t queue_full = 0;    ///< live capture: records dropped because the senders lagged
  uint64_t kernel_dropped = 0;  ///< live capture: what libpcap says the kernel dropped
  source::ExtractorCounters extractor;
  uint64_t ip_fragments_dropped = 0;
  uint64_t tcp_streams_not_sip = 0;
};

class Agent {
 public:
  explicit Agent(AgentConfig config);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Validates the destinations and opens the senders (and the store); exit code 2 for
  /// configuration errors.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Reads one capture file to its end; records wait for room in the queue (never dropped).
  [[nodiscard]] core::Result<void, core::Failure> readFile(const std::string& path);
  /// Opens the live sources (interfaces, the raw IP-in-IP socket) and captures on one thread
  /// each until stop(). A full queue is counted (queue_full): live traffic cannot wait.
  [[nodiscard]] core::Result<void, core::Failure> startLive();
  /// Sends or spools everything queued and stops the senders.
  void stop();

  /// trace_on at run time (`siphon ctl trace on|off`).
  [[nodiscard]] std::atomic<bool>& traceOn() { return trace_on_; }
  [[nodiscard]] AgentSummary summary() const;
  /// HEP sender counters; null in plain SIP mode.
  [[nodiscard]] const sink::HepOutStats* hepStats() const { return hep_ ? &hep_->stats() : nullptr; }
  [[nodiscard]] const core::IngestStats& storeStats() const { return store_stats_; }
  [[nodiscard]] std::string summaryLine() const;

 private:
  struct LiveCapture;
  void onRecord(const source::ExtractedRecord& record, bool live);
  bool push(core::BoundedQueue<core::Capture>& queue, core::Capture&& capture, bool live);
  void captureLoop(LiveCapture& live);
  [[nodiscard]] source::FrameRecordExtractorOptions extractorOptions() const;

  AgentConfig config_;
  std::atomic<bool> trace_on_{true};
  source::ListenRange listen_range_;  ///< raw_socket_listen, parsed by start()
  core::BoundedQueue<core::Capture> out_queue_;
  core::BoundedQueue<core::Capture> store_queue_;
  core::IngestStats store_stats_;
  sink::HepOutSink* hep_ = nullptr;  ///< out_ when it is the HEP sender
  std::unique_ptr<sink::Sink> out_;
  std::unique_ptr<sink::Sink> store_;
  std::unique_ptr<source::FrameRecordExtractor> extractor_;  ///< offline files
  std::vector<std::unique_ptr<LiveCapture>> live_;
  uint64_t files_ = 0;
  std::atomic<uint64_t> records_{0}, queued_{0}, trace_off_{0}, queue_full_{0};
  bool started_ = false;
};

/// An owning copy of an extracted record: sniffed SIP gets its payload copied; a HEP record
/// is decoded again from a copy of its packet so that every view points into the copy.
[[nodiscard]] core::Result<core::Capture, core::Failure> captureOf(const source::ExtractedRecord& r);

}  // namespace siphon::pipeline
