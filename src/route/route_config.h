#pragma once
// Reading routing rules from the collector's configuration: `[[route]]` tables and the older
// one-line `capture_mode_rule = "capture_id=2001 => mode1"`, which becomes a routing rule with
// the same conditions and a capture_mode action (one rule language, not two).
//
// Every check that does not need a packet is made here, so that a rule that cannot be
// parsed, names an unknown chunk, field, listener or capture_mode, sets a chunk that cannot be
// set, or reads SIP in a route that never parses it stops start-up (exit 2) naming the rule.

#include <string>
#include <string_view>
#include <vector>

#include "core/config_file.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "route/route_rule.h"

namespace siphon::route {

/// hep_route: "none" (no rules: parse and store, the fast path), "sip" (the default: rules run
/// on the parsed message) or the name of the rules that run on the HEP chunks alone.
struct HepRoute {
  enum class Mode : uint8_t { None, Sip, Named };
  Mode mode = Mode::Sip;
  std::string name;

  [[nodiscard]] static core::Result<HepRoute, core::Failure> parse(std::string_view text);
};

/// What the rules are checked against.
struct RuleScope {
  const std::vector<core::Endpoint>* listeners = nullptr;  ///< `listen`, for received_on
  std::vector<std::string> capture_modes;                  ///< capture_mode profile names
  HepRoute hep_route;
};

/// Reads one `[[route]]` table (`label` names it in errors); unknown keys are errors.
[[nodiscard]] core::Result<RouteRule, core::Failure> parseRouteTable(core::ConfigFile& table,
                                                                     std::string label,
                                                                     const RuleScope& scope);
/// Reads one capture_mode_rule value ("COND;COND... => MODE"; conditions capture_id, node,
/// payload_type, listen).
[[nodiscard]] core::Result<RouteRule, core::Failure> parseCaptureModeRule(std::string_view text,
                                                                          std::string label,
                                                                          const RuleScope& scope);

/// Points each rule's received_on at its index in `listeners` (the listeners may have changed
/// since the rules were read: `--listen` on the command line). Exit 2 for one that is gone.
[[nodiscard]] core::Result<void, core::Failure> resolveListeners(
    std::vector<RouteRule>& rules, const std::vector<core::Endpoint>& listeners);

}  // namespace siphon::route
