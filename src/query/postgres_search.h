#pragma once
// Search over the PostgreSQL tables the collector writes (`siphon search --db postgres://...`):
// the same SearchQuery and the same result as the embedded store's search (search.h), so that
// the CLI prints the same lines from either store.
//
// Tables searched: every table of the connection's current schema that has the PostgresSink
// layout (the hep_chunks column, postgres_schema.h): strftime-named tables are found without
// knowing table_name, and so are the agent's sip_trace tables (read once per message: the
// traced_user = '' row). Filters become WHERE clauses with bound parameters (never SQL text), newest
// first, `limit + 1` rows per table; the rows of all tables are merged newest first. Each row is
// turned back into a CaptureMeta and re-checked with matches(), so both stores apply one rule.

#include "core/db_url.h"
#include "core/result.h"
#include "query/search.h"
#include "record/capture_row.h"

namespace siphon::query {

/// Runs `q` against the database of `url` (scheme Postgres). Errors: connection refused, login
/// failed, a query that failed (message from the server). Each Found's `block_bytes` owns the
/// bytes (msg, chunks, node, correlation id) its `meta` views.
[[nodiscard]] core::Result<SearchResult, core::Failure> searchPostgres(
    const core::DbUrl& url, const SearchQuery& q,
    const record::CaptureRowOptions& row_options = {});

}  // namespace siphon::query
