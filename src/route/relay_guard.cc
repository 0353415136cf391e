#include "route/relay_guard.h"

#include "hep/siphon_chunks.h"

namespace siphon::route {
namespace {

enum class RelayGuardDrop : uint8_t { Loop, HopLimit };
constexpr std::string_view kRelayGuardDrops[] = {"relay_loop", "relay_hop_limit"};

}  // namespace

RelayGuardProcessor::RelayGuardProcessor(uint32_t relay_id, size_t max_hops)
    : Processor("relay_guard", {{}, kRelayGuardDrops}), relay_id_(relay_id), max_hops_(max_hops) {}

process::Verdict RelayGuardProcessor::process(record::Record& r) {
  if (r.meta().other_chunks.empty()) return process::Verdict::Keep;  // the common case
  const auto path = hep::checkRelayPath(r.meta(), relay_id_);
  if (path.contains) {
    counters_.drop(RelayGuardDrop::Loop);
    return process::Verdict::Drop;
  }
  if (path.hops > max_hops_) {
    counters_.drop(RelayGuardDrop::HopLimit);
    return process::Verdict::Drop;
  }
  return process::Verdict::Keep;
}

}  // namespace siphon::route
