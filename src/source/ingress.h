#pragma once
// Ingress: where a source hands its records to the pipeline (pipeline/pipeline.h implements
// it). push() runs the processors on the calling (source) thread and queues the record on
// every lane it names; it never throws and, with DropWhenFull, never blocks.

#include <cstdint>

#include "record/record.h"

namespace siphon::source {

/// What a full lane does with a record.
enum class PushPolicy : uint8_t {
  DropWhenFull,  ///< live traffic cannot wait: a full lane drops it (queue_full)
  WaitForRoom,   ///< offline input (a pcap file) waits, bounded, so that a file is read whole
};

class Ingress {
 public:
  virtual ~Ingress() = default;
  /// Takes `r` through the pipeline (the caller lets go of it). False when no lane took it
  /// (dropped by a processor or by every lane; each counted where it happened).
  virtual bool push(record::RecordBox r, PushPolicy policy) = 0;
};

}  // namespace siphon::source
