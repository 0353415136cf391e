#pragma once
// URL parameters of the API routes turned into queries. Every parameter is checked: an unknown
// name, a repeated one (other than `header`), a value out of range or a bad time is a 400 with
// a message naming the parameter. Unknown names are refused rather than ignored because a
// misspelt filter (`callid=`) would otherwise silently widen a search to everything.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "query/call_assembly.h"
#include "query/search.h"

namespace siphon::web {

/// httplib::Params: decoded name → value, repeated names kept.
using Params = std::multimap<std::string, std::string>;

inline constexpr size_t kDefaultPageSize = 50;
inline constexpr size_t kMaxPageSize = 1000;
/// Deep pages re-read the skipped records; past this, narrow the time range instead.
inline constexpr size_t kMaxOffset = 100'000;

/// /api/v1/search parameters (limit/offset included). `now_us` resolves relative times.
/// Failure::message says what is wrong (exit_code unused).
[[nodiscard]] core::Result<query::SearchQuery, core::Failure> searchQueryFrom(const Params& params,
                                                                              int64_t now_us);

/// The search filters of `params` for routes that page nothing (the live tail, the histogram):
/// searchQueryFrom with `limit` and `offset` accepted and ignored.
[[nodiscard]] core::Result<query::SearchQuery, core::Failure> searchFiltersFrom(const Params& params,
                                                                                int64_t now_us);

/// The call routes' parameters: exactly one of call_id / correlation, optional since/until.
/// `extra` names further accepted parameters (e.g. "format"), read by the caller.
[[nodiscard]] core::Result<query::CallQuery, core::Failure> callQueryFrom(
    const Params& params, int64_t now_us, std::initializer_list<std::string_view> extra = {});

/// Now, µs since the epoch: what relative times (-15m) count back from.
[[nodiscard]] int64_t wallClockMicros();

/// Refuses a name that is not in `own`, `extra` or the common ones (`token`), and a name given
/// twice unless it is `repeatable` (Failure::message names the parameter).
[[nodiscard]] core::Result<void, core::Failure> checkNames(const Params& params,
                                                           std::initializer_list<std::string_view> own,
                                                           std::initializer_list<std::string_view> extra = {},
                                                           std::string_view repeatable = {});

/// The integer `name` in [min, max], or `fallback` when absent.
[[nodiscard]] core::Result<size_t, core::Failure> sizeParam(const Params& params, const std::string& name,
                                                            size_t fallback, size_t min, size_t max);

/// `since` and `until` (TIME: RFC 3339 or relative to `now_us`) into µs since the epoch; an
/// absent or empty one leaves its variable as it is. Refuses since after until.
[[nodiscard]] core::Result<void, core::Failure> timeParams(const Params& params, int64_t now_us,
                                                           int64_t& since, int64_t& until);

/// The single value of `name`, or `fallback` when absent.
[[nodiscard]] std::string paramOr(const Params& params, const std::string& name,
                                  std::string fallback);

}  // namespace siphon::web
