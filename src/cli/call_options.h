#pragma once
// The flags that name one call, shared by `siphon flow` and `siphon export` (docs/CLI.md).

#include <CLI/CLI.hpp>

#include "query/call_request.h"

namespace siphon::cli {

/// --db, --call-id | --correlation, --since, --until, --max-legs, --max-messages,
/// --callid-aleg-header, bound to `req`.
void addCallRequestOptions(CLI::App& app, query::CallRequest& req);

}  // namespace siphon::cli
