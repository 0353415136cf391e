#pragma once
// The step every HEP source shares: bytes of one packet in, a Capture on the queue out — or a
// counted drop with its reason. Never throws, never blocks.

#include <atomic>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/ingest_stats.h"
#include "hep/hep_decoder.h"

namespace siphon::source {

struct HepIngestOptions {
  hep::DecodeOptions decode;
  std::string auth_key;  ///< hep_auth_key: when set, packets must carry this 0x000e value
};

/// capture_on / hep_capture_on at run time (`siphon ctl capture on|off`).
struct CaptureSwitch {
  std::atomic<bool> capture_on{true};
  std::atomic<bool> hep_capture_on{true};
  [[nodiscard]] bool accepting() const {
    return capture_on.load(std::memory_order_relaxed) && hep_capture_on.load(std::memory_order_relaxed);
  }
};

class HepIngest {
 public:
  HepIngest(core::BoundedQueue<core::Capture>& queue, core::IngestStats& stats,
            const CaptureSwitch& capture, HepIngestOptions options)
      : queue_(queue), stats_(stats), capture_(capture), options_(std::move(options)) {}

  /// Decodes one packet (copied) and queues it; returns false when it was dropped.
  bool accept(std::span<const std::byte> packet, bool from_stream);

  [[nodiscard]] const HepIngestOptions& options() const { return options_; }
  [[nodiscard]] core::IngestStats& stats() { return stats_; }

 private:
  core::BoundedQueue<core::Capture>& queue_;
  core::IngestStats& stats_;
  const CaptureSwitch& capture_;
  HepIngestOptions options_;
};

}  // namespace siphon::source
