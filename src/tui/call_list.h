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
#include <set>
#include <tuple>
#include <unordered_map>
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

/// The call list kept across refreshes: each refresh reads only what was stored since the
/// newest message it has (a store of millions is not read again every second), adds it, and
/// forgets the calls that left the time window.
class CallList {
 public:
  /// Adds `records` (any order; each parsed). Records that are not SIP, or have no Call-ID,
  /// are left out; one added before (the same table, block and index: a refresh asks again
  /// from the newest time it has) is skipped.
  void add(std::span<const query::Found> records);
  /// Forgets the calls whose last message is older than `oldest_us`.
  void forgetBefore(int64_t oldest_us);
  /// The calls, the newest (by first message) first.
  [[nodiscard]] std::vector<CallRow> rows() const;
  /// Capture time of the newest message added (0 before any): where the next refresh starts.
  [[nodiscard]] int64_t newestMicros() const { return newest_us_; }
  [[nodiscard]] size_t size() const { return calls_.size(); }

 private:
  struct Building {
    CallRow row;
    bool ringing = false, answered = false, bye = false, cancel = false;
    int final_failure = 0;  ///< 300-699 reply to the first method
    int last_final = 0;     ///< last final reply (non-INVITE calls)
  };
  using RecordKey = std::tuple<std::string, int64_t, size_t>;
  std::unordered_map<std::string, Building> calls_;
  int64_t newest_us_ = 0;
  std::set<RecordKey> at_newest_;  ///< the records added whose time is newest_us_
};

/// Groups `records` (any order; each parsed) by Call-ID; the newest call (by first message)
/// first. Records that are not SIP, or have no Call-ID, are left out.
[[nodiscard]] std::vector<CallRow> groupCalls(std::span<const query::Found> records);

/// Indexes of the rows whose Call-ID, From, To, method or state contains `filter` (ASCII
/// case-insensitive); every row for an empty filter.
[[nodiscard]] std::vector<size_t> filterRows(const std::vector<CallRow>& rows, std::string_view filter);

}  // namespace siphon::tui
