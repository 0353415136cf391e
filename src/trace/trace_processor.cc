#include "trace/trace_processor.h"

#include <algorithm>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "hep/hep_chunk_types.h"
#include "record/parsed_sip.h"

namespace siphon::trace {
namespace {

enum class TraceProcessorCount : uint8_t { Traced, Correlated, InScope };
enum class TraceProcessorDrop : uint8_t { NoRule, RuleDrop, OtherSide };
constexpr std::string_view kTraceProcessorCounts[] = {"traced", "correlated", "in_scope"};
constexpr std::string_view kTraceProcessorDrops[] = {"no_rule", "rule_drop", "other_side"};

// Flags C / c: whether a message on the caller side (or not) is traced.
bool onTracedSide(TraceSide side, bool caller_side) {
  return side == TraceSide::Both || (side == TraceSide::Caller) == caller_side;
}

// A message's session key for `headers` (b2b_sessions.h): the first one present, else the
// Call-ID. A view of the record's payload.
std::string_view sessionKey(record::Record& r, const std::vector<std::string>& headers) {
  for (const std::string& h : headers) {
    if (auto v = correlationOf({TraceCorrelation::Kind::Header, h}, r)) return *v;
  }
  return r.sip.fields.callid;
}

// OpenSIPS's extra correlation chunk (vendor 0, 0x0065, docs/HEP-AND-MODULES.md §5.4): a JSON
// object, here {"correlation": id}, beside any the message already carried (HEP in a pcap).
// JSON is UTF-8: a byte that is not becomes U+FFFD (such an id joins nothing, but is sent).
void addExtraCorrelation(record::Record& r, std::string_view id) {
  const std::string_view json =
      r.capture.keep(nlohmann::json{{"correlation", std::string(id)}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.capture.meta.other_chunks.push_back({0, hep::wire(hep::ChunkType::ExtraCorrelation),
                                         std::as_bytes(std::span(json.data(), json.size()))});
}

// The id a message that scope `s` holds is sent with, for a message whose Call-ID is `call_id`.
// The scope's id is most often the Call-ID (correlation = "call-id" on a t or d scope), which
// the message carries itself: a view of its own bytes then, not a copy. Any other id is the
// scope's, which may end before the record does: copied into the record. "" for a scope
// without one. The copy is a call of its own, so that the common case inlines into the held
// message's path (as a call, the whole of this cost 14 instructions per frame of agent_bench
// BM_ExtractTraced/3/2, callgrind).
[[gnu::noinline]] std::string_view keptCopy(std::string_view id, record::Record& r) {
  return r.capture.keep(std::string(id));
}
inline std::string_view scopeCorrelation(const ScopeData& s, std::string_view call_id,
                                         record::Record& r) {
  if (s.correlation_is_call_id || s.correlation == call_id) return call_id;
  if (s.correlation.empty()) return {};
  return keptCopy(s.correlation, r);
}

bool initialInvite(const TrackedMessage& m) {
  return m.isRequest() && m.method == "INVITE" && m.to_tag.empty();
}

}  // namespace

TraceProcessor::TraceProcessor(std::vector<TraceRule> rules, TraceLanes lanes,
                               TrackerOptions tracker, SipTraceRowOptions rows)
    : Processor("trace", {kTraceProcessorCounts, kTraceProcessorDrops}),
      rules_(std::move(rules)),
      lanes_(std::move(lanes)),
      rows_(std::move(rows)) {
  lanes_.per_rule.resize(rules_.size());
  const bool scopes = std::any_of(rules_.begin(), rules_.end(), [](const TraceRule& r) {
    return r.actions.scope != TraceScope::Message;
  });
  if (scopes) {
    tracker_ = std::make_unique<SipTracker>(tracker);
    calls_ = std::make_unique<B2bSessions>(tracker.max_dialogs, "trace_calls");
  }
  for (const TraceRule& r : rules_) {
    for (const std::string& h : r.actions.session_headers) {
      if (std::find(session_headers_.begin(), session_headers_.end(), h) ==
          session_headers_.end()) {
        session_headers_.push_back(h);
      }
    }
    if (r.actions.scope == TraceScope::B2bSession && !sessions_) {
      sessions_ = std::make_unique<B2bSessions>(tracker.max_sessions);
    }
  }
}

void TraceProcessor::moreStats(std::vector<core::StageSnapshot>& out) const {
  if (tracker_) out.push_back(tracker_->stats().snapshot());
  if (sessions_) out.push_back(sessions_->stats().snapshot());
  if (calls_) out.push_back(calls_->stats().snapshot());
}

process::Verdict TraceProcessor::apply(record::Record& r, uint32_t rule, bool drop,
                                       bool caller_side, std::string_view correlation,
                                       bool keep_copy, bool stamp) {
  if (drop) {
    counters_.drop(TraceProcessorDrop::RuleDrop);
    return process::Verdict::Drop;
  }
  if (!onTracedSide(rules_[rule].actions.side, caller_side)) {
    counters_.drop(TraceProcessorDrop::OtherSide);
    return process::Verdict::Drop;
  }
  if (!correlation.empty()) {
    // A header's value or the Call-ID is a view of the record's own payload; a fixed text or
    // a scope's id is the rule's or the scope's, which the record may outlive: kept with it.
    // Both from one local: reading the meta's field back right after writing it stalled
    // store forwarding (two 8-byte stores, one 16-byte load) on every traced message.
    const std::string_view id = keep_copy ? r.capture.keep(std::string(correlation)) : correlation;
    r.capture.meta.correlation_id = id;
    if (r.parsed) r.sip.correlation_id = id;
    counters_.count(TraceProcessorCount::Correlated);
  }
  const TraceCorrelation& extra = rules_[rule].actions.extra_correlation;
  if (extra.kind != TraceCorrelation::Kind::None) {
    if (auto id = correlationOf(extra, r)) addExtraCorrelation(r, *id);
  }
  if (lanes_.per_rule[rule].any()) r.lanes = (r.lanes & ~lanes_.senders) | lanes_.per_rule[rule];
  if (stamp) stampRow(r, &rules_[rule]);
  counters_.count(TraceProcessorCount::Traced);
  return process::Verdict::Keep;
}

void TraceProcessor::openScope(const TraceRule& rule, uint32_t index, const TrackedMessage& m,
                               record::Record& r, std::string_view correlation) {
  const core::CaptureMeta& meta = r.meta();
  const int64_t now_us = meta.microsSinceEpoch();
  const TraceScope scope = rule.actions.scope;
  if (scope == TraceScope::Message || !m.isRequest()) return;  // t and d start on a request
  auto data = std::make_shared<ScopeData>();
  data->rule = index;
  data->drop = rule.actions.drop;
  // A b session's legs have Call-IDs of their own: its id is kept as text.
  if (scope != TraceScope::B2bSession && !correlation.empty() && correlation == m.call_id) {
    data->correlation_is_call_id = true;
  } else {
    data->correlation = std::string(correlation);
  }
  data->caller_hop = Hop::of(meta);
  // The session holds the scope weakly: it lives as long as the leg's dialog or transaction.
  if (scope == TraceScope::B2bSession) {
    (void)sessions_->open(sessionKey(r, rule.actions.session_headers), data);
  }
  (void)calls_->open(m.call_id, data);
  if (scope != TraceScope::Transaction && tracker_->openDialog(m, data, now_us)) return;
  // d on anything but an initial INVITE degrades to t (OpenSIPS); a refused one too.
  (void)tracker_->openTransaction(m, std::move(data), now_us);
}

ScopeRef TraceProcessor::joinSession(record::Record& r, const TrackedMessage& m, int64_t now_us) {
  ScopeRef session;
  for (const std::string& h : session_headers_) {
    if (auto v = correlationOf({TraceCorrelation::Kind::Header, h}, r)) {
      if ((session = sessions_->find(*v))) break;
    }
  }
  if (!session) session = sessions_->find(m.call_id);
  if (!session || !m.isRequest()) return session;
  (void)calls_->open(m.call_id, session);  // the leg's own reports follow it too
  // The leg is held from here on as a dialog (or, for another request, its transaction).
  if (!(initialInvite(m) && tracker_->openDialog(m, session, now_us))) {
    (void)tracker_->openTransaction(m, session, now_us);
  }
  return session;
}

void TraceProcessor::stampRow(record::Record& r, const TraceRule* rule) const {
  if (!rows_.enabled) return;
  if (rule == nullptr) {
    stampSipTraceRow(r, rows_.table, {}, rows_.local_addresses);
  } else {
    const std::string& table = rule->actions.table.empty() ? rows_.table : rule->actions.table;
    stampSipTraceRow(r, table, rule->actions.traced_users, rows_.local_addresses);
  }
}

std::optional<process::Verdict> TraceProcessor::followCall(record::Record& r) {
  const std::string_view call_id = r.meta().correlation_id;
  if (call_id.empty() || calls_->empty()) return std::nullopt;
  const ScopeRef held = calls_->find(call_id);
  if (!held) return std::nullopt;
  counters_.count(TraceProcessorCount::InScope);
  // Whichever side the rule traces: the media is the call's, not a leg's.
  const bool traced_side = rules_[held->rule].actions.side != TraceSide::Callee;
  // A report of a scope without an id still names its call.
  const std::string_view id =
      held->correlation.empty() ? call_id : scopeCorrelation(*held, call_id, r);
  return apply(r, held->rule, held->drop, traced_side, id, /*keep_copy=*/false, /*stamp=*/false);
}

process::Verdict TraceProcessor::process(record::Record& r) {
  if (rules_.empty()) {  // trace_to_database without rules: every message, on its own
    stampRow(r, nullptr);
    counters_.count(TraceProcessorCount::Traced);
    return process::Verdict::Keep;
  }
  if (calls_ && record::rowKindFor(r.meta().payload_type).kind != record::RowKind::Sip) {
    if (auto v = followCall(r)) return *v;
  }
  TrackedMessage m;
  const bool trackable =
      tracker_ && r.parsed && r.sip.isSip() && TrackedMessage::from(r.sip.fields, m);
  const int64_t now_us = r.meta().microsSinceEpoch();
  if (trackable) {
    // What apply() needs of the scope, read under the tracker's lock (the scope may end on
    // another source's thread once it is released).
    uint32_t rule = 0;
    bool drop = false, caller_side = false;
    std::string_view correlation;
    const bool in_scope = tracker_->observe(m, now_us, [&](const ScopeRef& held) {
      rule = held->rule;
      drop = held->drop;
      caller_side = held->caller_hop.carries(r.meta());
      correlation = scopeCorrelation(*held, m.call_id, r);
    });
    if (in_scope) {
      counters_.count(TraceProcessorCount::InScope);
      return apply(r, rule, drop, caller_side, correlation, /*keep_copy=*/false);
    }
    if (sessions_ && !sessions_->empty()) {
      if (ScopeRef joined = joinSession(r, m, now_us)) {
        counters_.count(TraceProcessorCount::InScope);
        return apply(r, joined->rule, joined->drop, joined->caller_hop.carries(r.meta()),
                     joined->correlation, /*keep_copy=*/true);
      }
    }
  }
  // The rules read more than the scope keys an agent without a store parses for the state:
  // RuleSip parses the rest for a message that passes a rule's cheaper tests.
  RuleSip sip(r);
  for (size_t i = 0; i < rules_.size(); ++i) {
    const TraceRule& rule = rules_[i];
    if (!rule.matches(sip)) continue;
    auto correlation = correlationOf(rule.actions.correlation, r);
    if (!correlation && rule.actions.scope == TraceScope::B2bSession && r.parsed) {
      correlation = sessionKey(r, rule.actions.session_headers);  // the session's own id
    }
    const std::string_view id = correlation.value_or(std::string_view());
    if (trackable) openScope(rule, static_cast<uint32_t>(i), m, r, id);
    const bool fixed = rule.actions.correlation.kind == TraceCorrelation::Kind::Fixed;
    // The message a rule takes is its scope's first-seen leg: the caller side.
    return apply(r, static_cast<uint32_t>(i), rule.actions.drop, /*caller_side=*/true, id, fixed);
  }
  counters_.drop(TraceProcessorDrop::NoRule);
  return process::Verdict::Drop;
}

}  // namespace siphon::trace
