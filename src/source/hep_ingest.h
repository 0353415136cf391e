#pragma once
// The step every HEP source shares: bytes of one packet in, a Capture on the queue out — or a
// counted drop with its reason. Never throws, never blocks.

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/ingest_stats.h"
#include "hep/hep_decoder.h"

namespace siphon::source {

/// Makes a record of a datagram that is not HEP (xheaders_read: plain SIP carrying
/// X-Siptrace-* headers); an empty result drops it.
using PlainSipReader = std::function<std::optional<core::Capture>(std::span<const std::byte>)>;

struct HepIngestOptions {
  hep::DecodeOptions decode;
  std::string auth_key;  ///< hep_auth_key: when set, packets must carry this 0x000e value
  PlainSipReader plain_sip;  ///< set with xheaders_read: UDP datagrams that are not HEP
};

/// capture_on / hep_capture_on at run time (`siphon ctl capture on|off`).
struct CaptureSwitch {
  std::atomic<bool> capture_on{true};
  std::atomic<bool> hep_capture_on{true};
  [[nodiscard]] bool accepting() const {
    return capture_on.load(std::memory_order_relaxed) && hep_capture_on.load(std::memory_order_relaxed);
  }
};

/// Picks the queue (storage lane) of a record: capture_mode rules (pipeline/process). Lane 0 is
/// the default storage.
class LaneSelector {
 public:
  virtual ~LaneSelector() = default;
  [[nodiscard]] virtual size_t lane(const core::CaptureMeta& meta, size_t listener) const = 0;
};

class HepIngest {
 public:
  HepIngest(core::BoundedQueue<core::Capture>& queue, core::IngestStats& stats,
            const CaptureSwitch& capture, HepIngestOptions options)
      : lanes_{&queue}, stats_(stats), capture_(capture), options_(std::move(options)) {}
  /// Several lanes: `selector` picks one per record; `listener` is this ingest's listener.
  HepIngest(std::vector<core::BoundedQueue<core::Capture>*> lanes, const LaneSelector* selector,
            size_t listener, core::IngestStats& stats, const CaptureSwitch& capture,
            HepIngestOptions options)
      : lanes_(std::move(lanes)), selector_(selector), listener_(listener), stats_(stats),
        capture_(capture), options_(std::move(options)) {}

  /// Decodes one packet (copied) and queues it; returns false when it was dropped.
  bool accept(std::span<const std::byte> packet, bool from_stream);

  [[nodiscard]] const HepIngestOptions& options() const { return options_; }
  [[nodiscard]] core::IngestStats& stats() { return stats_; }

 private:
  bool push(core::Capture&& capture);

  std::vector<core::BoundedQueue<core::Capture>*> lanes_;  ///< never empty
  const LaneSelector* selector_ = nullptr;
  size_t listener_ = 0;
  core::IngestStats& stats_;
  const CaptureSwitch& capture_;
  HepIngestOptions options_;
};

}  // namespace siphon::source
