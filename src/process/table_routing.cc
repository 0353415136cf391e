#include "process/table_routing.h"

namespace siphon::process {
namespace {}  // namespace

TableRoutingProcessor::TableRoutingProcessor(std::vector<LaneRouting> lanes)
    : Processor("table_name", {}) {
  for (auto& l : lanes) routes_.emplace_back(l.lane, std::move(l.routing));
}

Verdict TableRoutingProcessor::process(record::Record& r) {
  if (!r.table.empty()) return Verdict::Keep;
  for (const auto& route : routes_) {
    if (!r.lanes.test(route.lane)) continue;
    const record::RowKind kind = record::rowKindFor(r.meta().payload_type).kind;
    // mt_mode=hash reads the parse; without one (no SIP-parse processor) the fields are empty.
    r.table = kind == record::RowKind::Sip ? route.router.route(r.sip.fields)
                                           : record::reportTableName(kind);
    return Verdict::Keep;
  }
  return Verdict::Keep;
}

}  // namespace siphon::process
