#pragma once
// The agent configuration of the pipeline (`siphon agent`):
//
//   pcap files | live interfaces | the raw IP-in-IP socket   (FrameRecordExtractor: tunnels,
//     → trace_on                                              IP and TCP reassembly, HEP found
//     [→ SIP parse → table routing]   with trace_to_database  in the capture decoded once)
//     → lanes: HEP out (hep_mode_on=1) or the plain-SIP duplicate (hep_mode_on=0), a plain-SIP
//       duplicate beside the HEP (sip_duplicate_uri), and/or the embedded store
//       (trace_to_database): any mix, every lane sharing the same records
//
// Offline input waits for room in the lanes (a file is replayed whole); live input cannot
// wait and a full lane counts queue_full. Tests drive it in process; the CLI adds flags and the
// summary line.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "pipeline/agent_config.h"
#include "pipeline/pipeline.h"
#include "process/capture_switch.h"
#include "sink/sink.h"
#include "source/frame_record_extractor.h"
#include "source/listen_range.h"

namespace siphon::pipeline {

class Agent final : private StageReporter {
 public:
  /// `clock` must outlive the agent.
  explicit Agent(AgentConfig config, const core::Clock& clock = core::systemClock());
  ~Agent() override;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Validates the destinations, opens the senders (and the store) and starts their lanes;
  /// exit code 2 for configuration errors.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Reads one capture file to its end on the calling thread; records wait for room in the
  /// lanes (never dropped for want of it, within the lane's bound).
  [[nodiscard]] core::Result<void, core::Failure> readFile(const std::string& path);
  /// Opens the live sources (interfaces, the raw IP-in-IP socket) and captures on one thread
  /// each until stop().
  [[nodiscard]] core::Result<void, core::Failure> startLive();
  /// Sends or spools everything queued and stops the senders.
  void stop();

  /// trace_on at run time (`siphon ctl trace on|off`).
  [[nodiscard]] std::atomic<bool>& traceOn() { return trace_.capture_on; }
  /// "agent: read P packets, R records, sent S, skipped ..., dropped D (by reason)"; with
  /// capture_rtcp "R records (rtcp N)".
  [[nodiscard]] std::string summaryLine() const;
  [[nodiscard]] Pipeline& pipeline() { return pipeline_; }
  [[nodiscard]] const Pipeline& pipeline() const { return pipeline_; }

 private:
  void snapshot(std::vector<core::StageSnapshot>& out) const override;
  [[nodiscard]] core::Result<void, core::Failure> addOutputs();
  [[nodiscard]] sink::SinkPtr sipDuplicate(const std::string& uri) const;
  /// A sender to `targets` as hep_mode_on says (HEP out, or one plain-SIP copy); `key` names
  /// the setting in errors.
  [[nodiscard]] core::Result<sink::SinkPtr, core::Failure> sender(
      const std::vector<std::string>& targets, const std::string& key) const;
  [[nodiscard]] source::FrameRecordExtractorOptions extractorOptions() const;
  /// Live capture (no pcap files given): what startLive() will open.
  [[nodiscard]] bool live() const;
  /// The interface each record source captures on, by Record::source (tracing rules'
  /// `interface`): 0 is the files (none), then --interface in order, then "ipip".
  [[nodiscard]] std::vector<std::string> recordSourceNames() const;
  /// local_addresses, or when live without it, the captured interfaces' own addresses.
  [[nodiscard]] core::Result<std::vector<core::AddressMatch>, core::Failure> localAddresses() const;

  AgentConfig config_;
  const core::Clock& clock_;
  process::CaptureSwitch trace_;
  source::ListenRange listen_range_;  ///< raw_socket_listen, parsed by start()
  Pipeline pipeline_;
  std::unique_ptr<source::FrameRecordExtractor> files_;  ///< offline files, read by readFile()
  std::atomic<uint64_t> files_read_{0};
  bool started_ = false;
};

}  // namespace siphon::pipeline
