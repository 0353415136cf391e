#pragma once
// The call list of `siphon tui`: stored messages grouped into calls by Call-ID, with what an
// operator scans a list for (sngrep's columns): when, From, To, the first request's method,
// the call's state, how many messages.
//
// State of an INVITE call, from what was captured:
//   CALL SETUP    only the INVITE (and 100 Trying)
//   RINGING       a 180/183 came
//   IN CALL       a 2xx answered, no BYE yet
//   COMPLETED     a BYE after the answer
//   CANCELLED     a CANCEL before any answer
//   REJECTED 486  a final reply of 300-699 (its code)
// Other methods show their last final reply ("200", "401"), or "-" while none came.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "query/search.h"

namespace siphon::tui {

struct CallRow {
  std::string callid;
  int64_t first_us = 0, last_us = 0;
  std::string from, to;  ///< users (or the domain when there is no user)
  std::string method;    ///< of the first request seen
  std::string state;
  size_t messages = 0;
};

/// Groups `records` (any order; each parsed) by Call-ID; the newest call (by first message)
/// first. Records that are not SIP, or have no Call-ID, are left out.
[[nodiscard]] std::vector<CallRow> groupCalls(std::span<const query::Found> records);

/// Indexes of the rows whose Call-ID, From, To, method or state contains `filter` (ASCII
/// case-insensitive); every row for an empty filter.
[[nodiscard]] std::vector<size_t> filterRows(const std::vector<CallRow>& rows, std::string_view filter);

}  // namespace siphon::tui
