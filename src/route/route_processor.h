#pragma once
// The routing rules as processors (route_rule.h). A collector runs up to two of them:
//
//   hep phase  (hep_route = NAME) before the SIP parse, the rules named NAME, on the HEP
//              chunks alone. A packet one of them takes is finished there unless the rule
//              says resume_sip; when no lane it goes to reads SIP (relay only, or dropped),
//              the SIP parse is skipped too, which is what makes a named route fast.
//   sip phase  after the SIP parse, the rules without a name (and capture_mode_rule), on
//              packets that no named rule took or that resumed.
//
// In each phase the first matching rule applies its actions (route_rule.h for their order).
// What an action cannot do on a packet (set_chunk on HEPv1, del_chunk of a chunk it lacks, a
// value that does not convert) is counted by reason and the packet goes on, unless the rule
// says drop_on_error. Lanes: a rule's capture_mode moves the record from the default storage
// lane to that profile's lane, store = false takes it off every storage lane, relay adds the
// relay lane of each destination.

#include <cstddef>
#include <utility>
#include <vector>

#include "core/endpoint.h"
#include "process/processor.h"
#include "route/route_rule.h"

namespace siphon::route {

/// The lanes the rules can send a record to.
struct RouteLanes {
  std::vector<size_t> storage;                            ///< [0] db_url, then one per capture_mode
  std::vector<std::string> capture_modes;                 ///< names of storage[1..]
  std::vector<std::pair<core::Endpoint, size_t>> relays;  ///< relay destination -> its lane
};

class RouteProcessor final : public process::Processor {
 public:
  enum class Phase : uint8_t { Hep, Sip };
  /// `rules`: those of this phase, in order. `listeners` must outlive the processor.
  RouteProcessor(Phase phase, std::vector<RouteRule> rules, const RouteLanes& lanes,
                 const std::vector<core::Endpoint>& listeners);

  [[nodiscard]] process::Verdict process(record::Record& r) override;

 private:
  struct Compiled {
    RouteRule rule;
    record::LaneSet add, remove;
  };
  [[nodiscard]] process::Verdict apply(const Compiled& c, record::Record& r);

  Phase phase_;
  std::vector<Compiled> rules_;
  const std::vector<core::Endpoint>& listeners_;
  record::LaneSet storage_lanes_;
};

}  // namespace siphon::route
