#pragma once
// LibraryTracer: the agent's pipeline fed by a SIP server in process (include/siphon/tracer.h
// is its C face, tracer_c_api.cc the thin wrapper). It is `siphon agent` with one source
// instead of interfaces and files:
//
//   the server's threads → trace(): the message copied, its endpoints parsed, direction and
//     correlation stamped → InjectedSource's bounded queue (queue_full counted, never waits)
//     → one worker → the agent's chain: trace_on → SIP parse → [[trace]] rules → lanes (HEP
//     out, plain-SIP copy, embedded store)
//
// Configuration is the agent's TOML (pipeline/agent_config.h) plus the queue's two keys,
// read first so that the agent's own rejectUnknown() still stops a typo.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "pipeline/agent.h"
#include "source/injected_source.h"

namespace siphon::tracer {

/// One message as the server saw it. `transport` and `direction` take the C header's
/// siphon_transport / siphon_direction values.
struct TracedMessage {
  std::span<const std::byte> bytes;
  std::string_view source;  ///< "IPv4:port" or "[IPv6]:port"
  std::string_view destination;
  int transport = 1;             ///< SIPHON_TRANSPORT_UDP
  int direction = 0;             ///< SIPHON_DIRECTION_UNKNOWN
  std::string_view correlation;  ///< "" for none
};

enum class TraceOutcome : uint8_t { Queued, Dropped, BadArgument };

/// The figures of siphon_tracer_stats, summed over the pipeline's stages.
struct TracerStats {
  uint64_t accepted = 0, dropped_queue_full = 0, rejected = 0, processed = 0, traced = 0, sent = 0,
           stored = 0, dropped = 0, queue_depth = 0;
};

/// A HEP packet carries at most 65,535 bytes; a larger "message" is a caller's bug.
inline constexpr size_t kMaxTracedMessage = 65'535;

class LibraryTracer {
 public:
  /// Parses `toml`, starts the agent's lanes (destinations opened) and the queue's worker.
  /// Exit-code-2 failures name the key.
  [[nodiscard]] static core::Result<std::unique_ptr<LibraryTracer>, core::Failure> create(
      const std::string& toml, const core::Clock& clock = core::systemClock());
  ~LibraryTracer();
  LibraryTracer(const LibraryTracer&) = delete;
  LibraryTracer& operator=(const LibraryTracer&) = delete;

  /// Any thread; never waits for I/O.
  [[nodiscard]] TraceOutcome trace(const TracedMessage& m);
  /// Any thread: true once what was traced before the call is through the rules and
  /// handed to (written or queued by) the sinks.
  [[nodiscard]] bool flush(std::chrono::milliseconds timeout);
  [[nodiscard]] TracerStats stats() const;
  /// `siphon ctl stats`'s JSON.
  [[nodiscard]] std::string statsJson() const;
  void setOn(bool on) { agent_.traceOn().store(on, std::memory_order_relaxed); }

 private:
  LibraryTracer(pipeline::AgentConfig config, source::InjectedSourceOptions queue,
                const core::Clock& clock);

  const core::Clock& clock_;
  pipeline::Agent agent_;
  source::InjectedSourceOptions queue_options_;
  source::InjectedSource* source_ = nullptr;  ///< owned by the agent's pipeline
  std::mutex sync_mu_;                        ///< Pipeline::sync is the owner's: one at a time
};

}  // namespace siphon::tracer
