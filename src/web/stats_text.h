#pragma once
// The pipeline's counters as the HTTP API serves them: one JSON object (`siphon ctl stats`,
// the web UI's stats page) and Prometheus text (/metrics). Both are made from the same
// snapshot: the totals every front end prints (pipeline_totals.h), then every stage's counts
// and drops by reason in the one shape (core/stage_counters.h).

#include <string>

#include "pipeline/pipeline.h"

namespace siphon::web {

/// {"received", "stored", "unparsed_sip", "relayed", "dropped", "dropped_by_reason", queue and
/// store-batch figures, the switches' states, "spool_records", "spool_age_s" (the sinks' disk
/// spools together, the oldest), "sinks": [as /health's], "stages": [{stage, kind, counts,
/// dropped}]}.
[[nodiscard]] std::string statsJson(const pipeline::Pipeline& pipeline);
/// The same in Prometheus text format 0.0.4.
[[nodiscard]] std::string metricsText(const pipeline::Pipeline& pipeline);

/// /health: {"status": "ok" | "degraded" | "down", "sinks": [{"sink", "state", "spool_records",
/// "spool_bytes", "spool_age_s", "error"}]}, one entry per lane's sink. "degraded" when a sink
/// retries or spools (nothing is lost), "down" when one drops records; `http_status` is 503
/// for "down" so that a load balancer stops sending to this collector, else 200.
[[nodiscard]] std::string healthJson(const pipeline::Pipeline& pipeline, int& http_status);

}  // namespace siphon::web
