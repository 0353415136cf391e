#pragma once
// Sink: the storage stage's interface (ARCHITECTURE.md "sinks"). A sink drains the collector's
// bounded queue on its own thread, batches, writes, and counts every record it takes as
// stored or dropped with a reason. Implementations: StoreSink (the embedded block store),
// PostgresSink. The collector picks one from db_url.

#include "core/result.h"

namespace siphon::sink {

class Sink {
 public:
  virtual ~Sink() = default;
  /// Connects / opens (creating what is missing); a target that cannot be used is an error.
  [[nodiscard]] virtual core::Result<void, core::Failure> open() = 0;
  /// Starts the sink's thread; it takes records from the queue until flushAndStop().
  virtual void start() = 0;
  /// Call after the sources stopped: closes the queue, writes everything left, joins.
  virtual void flushAndStop() = 0;
};

}  // namespace siphon::sink
