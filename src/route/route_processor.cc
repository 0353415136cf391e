#include "route/route_processor.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "hep/siphon_chunks.h"

namespace siphon::route {
namespace {

enum class RouteProcessorCount : uint8_t {
  Matched,
  Relayed,
  Reported,
  Resumed,
  SetNotHep3,
  SetBadValue,
  DelNotHep3,
  DelNotFound,
  GetMissing,
  kCount,
};
constexpr std::string_view kRouteProcessorCounts[] = {
    "matched",       "relayed",      "reported",      "resumed",    "set_not_hep3",
    "set_bad_value", "del_not_hep3", "del_not_found", "get_missing"};
static_assert(std::size(kRouteProcessorCounts) == static_cast<size_t>(RouteProcessorCount::kCount));

enum class RouteProcessorDrop : uint8_t { RuleDrop, ActionError };
constexpr std::string_view kRouteProcessorDrops[] = {"route_drop", "route_action_error"};

// custom_fieldN: a Siphon chunk the stores read in place of the header's value.
void setCustomField(record::Record& r, int n, std::string value) {
  hep::setSiphonChunk(r.capture, static_cast<uint16_t>(hep::kCustomField1Chunk + n - 1),
                      std::move(value));
  if (r.parsed) record::applyCustomFieldChunks(r.capture.meta, r.sip.fields);
}

// After an edit of 0x0011 on a parsed record: the parse's correlation follows (the Call-ID
// when the chunk is gone), as parseSip would have set it.
void syncCorrelation(record::Record& r) {
  if (!r.parsed) return;
  r.sip.correlation_id = r.meta().correlation_id;
  if (r.sip.correlation_id.empty() && r.sip.isSip()) r.sip.correlation_id = r.sip.fields.callid;
}

}  // namespace

RouteProcessor::RouteProcessor(Phase phase, std::vector<RouteRule> rules, const RouteLanes& lanes,
                               const std::vector<core::Endpoint>& listeners)
    : Processor(phase == Phase::Hep ? "hep_route" : "route",
                {kRouteProcessorCounts, kRouteProcessorDrops}),
      phase_(phase),
      listeners_(listeners) {
  for (size_t lane : lanes.storage) storage_lanes_.set(lane);
  for (auto& rule : rules) {
    Compiled c{std::move(rule), {}, {}};
    const RouteActions& a = c.rule.actions;
    if (a.capture_mode) {
      auto it = std::find(lanes.capture_modes.begin(), lanes.capture_modes.end(), *a.capture_mode);
      const size_t i = static_cast<size_t>(it - lanes.capture_modes.begin()) + 1;
      if (it != lanes.capture_modes.end() && i < lanes.storage.size()) {
        c.remove |= storage_lanes_;
        c.add.set(lanes.storage[i]);
      }
    }
    if (!a.store) {
      c.remove |= storage_lanes_;
      c.add &= ~storage_lanes_;
    }
    for (const auto& dest : a.relay) {
      for (const auto& [ep, lane] : lanes.relays) {
        if (ep == dest) c.add.set(lane);
      }
    }
    rules_.push_back(std::move(c));
  }
}

process::Verdict RouteProcessor::process(record::Record& r) {
  if (phase_ == Phase::Sip && r.route_done) return process::Verdict::Keep;
  const RouteContext ctx{&r, &listeners_};
  for (const auto& c : rules_) {
    if (c.rule.matches(ctx)) return apply(c, r);
  }
  return process::Verdict::Keep;
}

process::Verdict RouteProcessor::apply(const Compiled& c, record::Record& r) {
  counters_.count(RouteProcessorCount::Matched);
  const RouteActions& a = c.rule.actions;
  const RouteContext ctx{&r, &listeners_};
  core::Capture& cap = r.capture;
  bool failed = false;
  for (const auto& g : a.get) {
    auto v = hep::chunkText(cap.meta, g.id);
    if (!v) {
      counters_.count(RouteProcessorCount::GetMissing);
      failed = true;
      continue;
    }
    if (g.target == GetTarget::Correlation) {
      cap.meta.correlation_id = cap.keep(std::move(*v));
      syncCorrelation(r);
    } else {
      setCustomField(r, static_cast<int>(g.target) + 1, std::move(*v));
    }
  }
  for (const auto& s : a.set) {
    auto done = s.value.isLiteral() ? hep::setChunk(cap, s.id, s.value.literal())
                                    : hep::setChunk(cap, s.id, s.value.expand(ctx));
    if (!done.has_value()) {
      counters_.count(done.error() == hep::EditErrc::NotHep3 ? RouteProcessorCount::SetNotHep3
                                                             : RouteProcessorCount::SetBadValue);
      failed = true;
    } else if (s.id == hep::ChunkId{0, 0x0011}) {
      syncCorrelation(r);
    }
  }
  for (const auto& id : a.del) {
    auto done = hep::deleteChunk(cap, id);
    if (!done.has_value()) {
      counters_.count(done.error() == hep::EditErrc::NotHep3 ? RouteProcessorCount::DelNotHep3
                                                             : RouteProcessorCount::DelNotFound);
      failed = true;
    } else if (id == hep::ChunkId{0, 0x0011}) {
      syncCorrelation(r);
    }
  }
  if (a.table) r.table = *a.table;
  for (int n = 0; n < 3; ++n) {
    const auto& cf = a.custom_fields[static_cast<size_t>(n)];
    if (cf)
      setCustomField(r, n + 1, cf->isLiteral() ? std::string(cf->literal()) : cf->expand(ctx));
  }
  if (a.report) {
    counters_.count(RouteProcessorCount::Reported);
    cap.meta.correlation_id = cap.keep(a.report->correlation.expand(ctx));
    if (a.report->proto_type) cap.meta.payload_type = *a.report->proto_type;
    r.table = a.report->table;
    // The row is a report row now: its family and type follow the (new) payload type; the
    // SIP parse, if it runs later, makes it one again.
    r.report_row = true;
    if (r.parsed) {
      record::makeReportRow(cap.meta.payload_type, r.sip);
      r.sip.correlation_id = cap.meta.correlation_id;
    }
  }
  r.lanes = (r.lanes & ~c.remove) | c.add;
  if (!a.relay.empty()) counters_.count(RouteProcessorCount::Relayed);
  if (a.drop) {
    counters_.drop(RouteProcessorDrop::RuleDrop);
    return process::Verdict::Drop;
  }
  if (failed && a.drop_on_error) {
    counters_.drop(RouteProcessorDrop::ActionError);
    return process::Verdict::Drop;
  }
  if (phase_ == Phase::Hep) {
    if (a.resume_sip) {
      counters_.count(RouteProcessorCount::Resumed);
    } else {
      r.route_done = true;
      // No lane of this record reads SIP (it is relayed only): the parse can be skipped.
      if ((r.lanes & storage_lanes_).none()) r.skip_sip_parse = true;
    }
  }
  return process::Verdict::Keep;
}

}  // namespace siphon::route
