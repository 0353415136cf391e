#pragma once
// One call looked up the way a user asks for it (`siphon flow`, `siphon export`, the HTTP API):
// a store URL, a Call-ID or correlation id, optional TIME bounds and the callid_aleg_header
// list as the configuration writes it. Opens the store read-only, assembles the call, and
// turns "nothing found" into a Failure, so each front end only prints and picks an exit code.

#include <cstdint>
#include <string>

#include "core/result.h"
#include "query/call_assembly.h"

namespace siphon::query {

struct CallRequest {
  std::string db_url;                        ///< "sqlite:PATH"
  CallQuery query;                           ///< call_id or correlation, limits
  std::string since, until;                  ///< TIME as in search (RFC 3339 or -2h), "" = open
  std::string callid_aleg_header = "X-CID";  ///< ';'-separated names (§2.8)
};

/// Errors (Failure::exit_code): 2 for a bad URL, bad TIME or neither/both ids; 1 when the store
/// cannot be opened or read, or when no message matches ("no message found with Call-ID 'X'").
[[nodiscard]] core::Result<CallResult, core::Failure> loadCall(const CallRequest& request,
                                                               int64_t now_us);

}  // namespace siphon::query
