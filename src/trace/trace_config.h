#pragma once
// Reading tracing rules from the agent's configuration: `[[trace]]` tables (docs/CLI.md
// "Tracing rules"). Every check that does not need a message is made here, so that a rule
// that cannot be parsed, has an unknown key, or gives a key its scope does not take
// stops start-up (exit 2) naming the rule.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config_file.h"
#include "core/result.h"
#include "trace/trace_rule.h"

namespace siphon::trace {

/// Reads one `[[trace]]` table (`label` names it in errors); unknown keys are errors.
/// Why `t` cannot be a sip_trace table (a rule's `table`, the agent's `table`): it becomes a
/// view of the embedded store (and a database table), so an SQL identifier of at most 63
/// characters that is not one of the tables the store already shows. nullopt when it can.
[[nodiscard]] std::optional<std::string> badTraceTableName(std::string_view t);

[[nodiscard]] core::Result<TraceRule, core::Failure> parseTraceTable(core::ConfigFile& table,
                                                                     std::string label);

/// Every `[[trace]]` table of `file`, in order, each labelled "FILE: trace #N".
[[nodiscard]] core::Result<std::vector<TraceRule>, core::Failure> parseTraceRules(
    core::ConfigFile& file);

}  // namespace siphon::trace
