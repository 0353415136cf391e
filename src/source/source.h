#pragma once
// Source: where records come from (docs/ARCHITECTURE.md "sources"): HEP listeners (UDP, TCP,
// TLS), live interfaces and the raw IP-in-IP socket. Each makes records on its own threads,
// decoded once, and pushes them into the pipeline's Ingress it was given. Offline files are
// read by their owner's thread instead (they have no life of their own to start and stop).

#include <memory>
#include <optional>
#include <vector>

#include "core/endpoint.h"
#include "core/result.h"
#include "core/stage_counters.h"

namespace siphon::source {

class Source {
 public:
  virtual ~Source() = default;
  /// Binds / opens and starts the source's threads. On error nothing keeps running.
  [[nodiscard]] virtual core::Result<void, core::Failure> start() = 0;
  /// Stops, after pushing what was already received (the kernel's buffers, whole frames of
  /// open streams). Idempotent.
  virtual void stop() = 0;
  /// The counters of the source's stages, appended to `out`.
  virtual void snapshot(std::vector<core::StageSnapshot>& out) const = 0;
  /// The address a listener is bound to (port 0 replaced by the real one); none otherwise.
  [[nodiscard]] virtual std::optional<core::Endpoint> endpoint() const { return std::nullopt; }
};

using SourcePtr = std::unique_ptr<Source>;

}  // namespace siphon::source
