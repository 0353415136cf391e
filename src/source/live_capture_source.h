#pragma once
// A live capture as a pipeline source: frames from a PacketSource (a libpcap interface, the
// raw IP-in-IP socket) through this source's own FrameRecordExtractor (reassembly state
// belongs to one capture thread) into the pipeline. Live traffic cannot wait, so a full lane
// drops (queue_full); what the kernel dropped before libpcap saw it is counted as "kernel".
// Once a second the extractor expires idle TCP flows and stale fragments, by the injected
// clock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/clock.h"
#include "source/frame_record_extractor.h"
#include "source/ingress.h"
#include "source/packet_source.h"
#include "source/source.h"

namespace siphon::source {

class LiveCaptureSource final : public Source {
 public:
  /// `kernel_drops` (may be empty) reads the capture's kernel drop count; it is called on
  /// the capture thread. Every record it makes has Record::source = `record_source` (what a
  /// tracing rule's `interface` matches).
  LiveCaptureSource(std::string name, uint16_t record_source, std::unique_ptr<PacketSource> packets,
                    std::function<uint64_t()> kernel_drops, FrameRecordExtractorOptions options,
                    Ingress& ingress, const core::Clock& clock);
  ~LiveCaptureSource() override;
  LiveCaptureSource(const LiveCaptureSource&) = delete;
  LiveCaptureSource& operator=(const LiveCaptureSource&) = delete;

  /// Starts the capture thread (the PacketSource is already open).
  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Wakes the capture, flushes what its TCP streams hold, joins.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;

 private:
  void run();

  std::string name_;
  std::unique_ptr<PacketSource> packets_;
  std::function<uint64_t()> kernel_drops_;
  Ingress& ingress_;
  const core::Clock& clock_;
  FrameRecordExtractor extractor_;
  std::atomic<uint64_t> kernel_dropped_{0};
  std::thread thread_;
};

}  // namespace siphon::source
