#pragma once
// The tracing rules as a processor of the agent (trace_rule.h), after the SIP parse:
//
//   1. a message a traced scope already holds (sip_tracker.h: its transaction or dialog) is
//      traced as that scope's rule says, with the scope's correlation id;
//   2. a message whose session key (b2b_sessions.h: a session header's value, or the
//      Call-ID) names a live scope-b session joins it: its dialog (or transaction) is opened
//      with the session's scope, so the rest of that leg is held as in 1;
//   3. otherwise the first rule that takes it decides, and opens its scope: t on a request
//      (a reply degrades to m, as Kamailio's sip_trace "t" cannot start on one), d on an
//      initial INVITE (anything else degrades to t, then m: OpenSIPS's rule, §5.2), b as d
//      plus a session keyed by the message's session key;
//   4. with rules, a message no scope holds and no rule takes is not traced (as a Kamailio
//      script that never calls sip_trace() for it) and is counted `no_rule`.
// A report of a call (RTCP, a QoS report, a log: HEP types other than SIP, whose correlation
// id is the Call-ID: the agent's --rtcp, captagent, Kamailio) is traced when a scope holds
// that Call-ID, with the scope's correlation id, on both sides (media does not take the
// proxy's legs). Before step 3: it goes where its call goes, whatever the rules would say of
// it. The scopes are found by Call-ID through an index like the sessions' (b2b_sessions.h,
// stage `trace_calls`): weak references, as long as the tracker holds the scope.
// Without rules the agent adds this processor only for trace_to_database, to stamp what the
// sip_trace rows need (trace/sip_trace_rows.h); every message is then traced on its own.
//
// What a rule or scope does to the record:
//   correlation   the id goes into the record's 0x0011 (CaptureMeta::correlation_id), which the
//                 HEP-out sink sends and the store keeps in correlation_id: on every message of
//                 the scope, where Kamailio tags only the first. A scope-b rule without one
//                 correlates by the session key, so every leg carries the A leg's Call-ID;
//   destinations  the record leaves the default senders' lanes (--hep / duplicate_uri) for the
//                 rule's own lane;
//   drop          not traced at all, nor the rest of its scope (counted `rule_drop`);
//   flags C / c   only the caller side / the callee side of the scope is traced, the other
//                 counted `other_side` (trace_hop.h: the first-seen leg is the caller's).

#include <memory>
#include <optional>
#include <vector>

#include "process/processor.h"
#include "trace/b2b_sessions.h"
#include "trace/sip_trace_rows.h"
#include "trace/sip_tracker.h"
#include "trace/trace_rule.h"

namespace siphon::trace {

/// trace_to_database: what the sip_trace rows need (trace/sip_trace_rows.h).
struct SipTraceRowOptions {
  bool enabled = false;                             ///< stamp them on every traced message
  std::vector<core::AddressMatch> local_addresses;  ///< local_addresses: the direction
  std::string table = "sip_trace";  ///< siptrace's `table`: rows of rules without their own
};

/// The lanes the rules move records between.
struct TraceLanes {
  record::LaneSet senders;                ///< --hep / duplicate_uri / sip_duplicate_uri
  std::vector<record::LaneSet> per_rule;  ///< a rule's destinations; empty set: none of its own
};

class TraceProcessor final : public process::Processor {
 public:
  /// `lanes.per_rule` has one entry per rule (or is empty: no rule has destinations).
  /// Without rules (only with `rows.enabled`) every message is traced as scope m.
  TraceProcessor(std::vector<TraceRule> rules, TraceLanes lanes, TrackerOptions tracker = {},
                 SipTraceRowOptions rows = {});

  [[nodiscard]] process::Verdict process(record::Record& r) override;
  void moreStats(std::vector<core::StageSnapshot>& out) const override;

  /// The scope state (null when no rule has a scope beyond m).
  [[nodiscard]] const SipTracker* tracker() const { return tracker_.get(); }
  /// The scope-b sessions (null when no rule has scope b).
  [[nodiscard]] const B2bSessions* sessions() const { return sessions_.get(); }

 private:
  [[nodiscard]] process::Verdict apply(record::Record& r, uint32_t rule, bool drop,
                                       bool caller_side, std::string_view correlation,
                                       bool keep_copy, bool stamp = true);
  /// A report whose Call-ID a scope holds: traced with it; null verdict when none does.
  [[nodiscard]] std::optional<process::Verdict> followCall(record::Record& r);
  void openScope(const TraceRule& rule, uint32_t index, const TrackedMessage& m, record::Record& r,
                 std::string_view correlation);
  /// Step 2: the live session `r` joins, with its leg's scope opened; null for none.
  [[nodiscard]] ScopeRef joinSession(record::Record& r, const TrackedMessage& m, int64_t now_us);

  void stampRow(record::Record& r, const TraceRule* rule) const;

  std::vector<TraceRule> rules_;
  TraceLanes lanes_;
  SipTraceRowOptions rows_;
  std::unique_ptr<SipTracker> tracker_;
  std::unique_ptr<B2bSessions> sessions_;
  std::unique_ptr<B2bSessions> calls_;  ///< Call-ID -> scope, for the call's reports
  std::vector<std::string> session_headers_;  ///< every scope-b rule's, in rule order, once
};

}  // namespace siphon::trace
