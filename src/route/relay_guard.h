#pragma once
// The relay loop guard. Every Siphon collector that relays a packet appends its relay id to
// the packet's relay path (a chunk of Siphon's vendor id, hep/siphon_chunks.h). A packet that
// arrives carrying this collector's own id has been here before: it was stored and relayed
// then, so it is dropped and counted (relay_loop). A packet whose path is longer than
// relay_max_hops is dropped too (relay_hop_limit): that bounds a loop through collectors
// that restarted with new ids, or a chain nobody meant to build. Two collectors relaying to
// each other thus store every packet once each and send it around once, not forever.
//
// Runs first in the chain, before anything is spent on the packet.

#include <cstddef>
#include <cstdint>

#include "process/processor.h"

namespace siphon::route {

class RelayGuardProcessor final : public process::Processor {
 public:
  RelayGuardProcessor(uint32_t relay_id, size_t max_hops);
  [[nodiscard]] process::Verdict process(record::Record& r) override;

 private:
  uint32_t relay_id_;
  size_t max_hops_;
};

}  // namespace siphon::route
