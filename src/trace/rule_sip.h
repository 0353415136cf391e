#pragma once
// RuleSip: the SIP of one record as the tracing rules read it, parsed in full only when a rule
// needs more than the record holds.
//
// Why. An agent whose rules open scopes parses every message only for its scope keys
// (FieldSet::Keys, sip/scope_keys.h): most messages belong to a scope already, and the rules
// never see them. A message that no scope holds meets the rules, and a rule with a SIP test
// reads more than the keys: a From, To or R-URI user, and whether the dialog's headers parse
// at all (a message whose dialog headers do not parse matches only rules without SIP tests).
// That full parse and its URIs cost about twice the keys (7,000 instructions for a 900-byte
// INVITE), and most rules of an operator's list fail on a test that does not need it.
//
// How. A rule matches when every one of its tests holds and the dialog's headers parse; the
// order in which the tests are checked does not change that. So TraceRule::matches() checks
// first what the keys answer (the start line) and the necessary conditions below, and asks
// dialog() only for a message that passes them. dialog() parses once, for every later rule
// too, and leaves the result in the record (r.sip then holds FieldSet::Dialog).
//
// The necessary conditions, each read without the full parse:
//   - a user is written in the value it came from: the From and To users in the first From
//     and To values, the R-URI user in the request URI, escapes kept as written (sip/uri.h);
//     a value that does not contain the rule's text cannot give it (sip/capture_fields_test
//     holds the parse to that on every message at hand);
//   - a header test reads the header found by a scan of the bytes (sip/header_lookup.h),
//     which agrees with the parse's index wherever the framing holds; where it does not, the
//     dialog does not parse, and the rule fails anyway.

#include <optional>
#include <string_view>

#include "record/record.h"
#include "sip/sip_message.h"

namespace siphon::trace {

class RuleSip {
 public:
  explicit RuleSip(record::Record& r) : r_(r) {}
  RuleSip(const RuleSip&) = delete;
  RuleSip& operator=(const RuleSip&) = delete;

  [[nodiscard]] const record::Record& record() const { return r_; }

  /// The record's SIP with at least FieldSet::Dialog's fields and parse error: the record's
  /// own when it was parsed for them (or for every field), else parsed now, once.
  const record::ParsedSip& dialog();

  /// The first `name` field's value, or nullopt: from the full parse's index once there is
  /// one, else from a scan of the bytes.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

 private:
  record::Record& r_;
  std::optional<sip::SipMessage> full_;
};

}  // namespace siphon::trace
