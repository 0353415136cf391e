#pragma once
// Reading tracing rules from the agent's configuration: `[[trace]]` tables (docs/CLI.md
// "Tracing rules"). Every check that does not need a message is made here, so that a rule
// that cannot be parsed, has an unknown key, or asks for what this version cannot do yet
// stops start-up (exit 2) naming the rule.

#include <string>
#include <vector>

#include "core/config_file.h"
#include "core/result.h"
#include "trace/trace_rule.h"

namespace siphon::trace {

/// Reads one `[[trace]]` table (`label` names it in errors); unknown keys are errors.
[[nodiscard]] core::Result<TraceRule, core::Failure> parseTraceTable(core::ConfigFile& table,
                                                                     std::string label);

/// Every `[[trace]]` table of `file`, in order, each labelled "FILE: trace #N".
[[nodiscard]] core::Result<std::vector<TraceRule>, core::Failure> parseTraceRules(
    core::ConfigFile& file);

}  // namespace siphon::trace
