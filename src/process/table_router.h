#pragma once
// Which table a SIP record goes to (docs/HEP-AND-MODULES.md §2.5): `table_name` may list
// several tables separated by `|`; `mt_mode` picks one per record (`rand`, `round_robin`, or
// `hash` over `hash_source` = call_id / from_user / to_user, CRC-32 like Kamailio); the chosen
// name is expanded with strftime() at the record's capture time in UTC.
//
// The choice is made by the table-routing processor on the source threads (TableRouter); the
// expansion where the name is written (TableNames, one per sink thread).

#include <cstdint>
#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sip/sip_capture_fields.h"

namespace siphon::process {

enum class MtMode : uint8_t { Rand, RoundRobin, Hash };
enum class HashSource : uint8_t { CallId, FromUser, ToUser };

struct TableRouting {
  std::vector<std::string> tables = {"sip_capture"};
  MtMode mt_mode = MtMode::Rand;
  HashSource hash_source = HashSource::CallId;

  /// From the seed parameters' text; names the bad key in the error.
  [[nodiscard]] static core::Result<TableRouting, core::Failure> parse(std::string_view table_name,
                                                                      std::string_view mt_mode,
                                                                      std::string_view hash_source);
};

/// Picks the table of each SIP record. Thread-safe: the source threads route concurrently.
class TableRouter {
 public:
  explicit TableRouter(TableRouting routing, uint64_t seed = 1);
  /// The table pattern for one record, strftime not yet expanded (TableNames does that where
  /// the name is written). With mt_mode=hash and an empty hash source (Kamailio then does not
  /// store the message) the first table; we store it and say so. The view lives as long as
  /// the router.
  [[nodiscard]] std::string_view route(const sip::SipCaptureFields& fields) const;
  [[nodiscard]] const TableRouting& routing() const { return routing_; }

 private:
  TableRouting routing_;
  uint64_t seed_;
  mutable std::atomic<uint64_t> next_{0};  ///< round_robin position; rand's sequence number
};

/// strftime() of `pattern` at `unix_seconds` UTC; patterns without '%' come back unchanged.
[[nodiscard]] std::string expandTableName(std::string_view pattern, int64_t unix_seconds);

/// The table names of the records one writer sees: each pattern expanded at the record's
/// capture time, strftime run once per pattern and second rather than per record. One per
/// writing thread (not thread-safe).
class TableNames {
 public:
  /// The name for `pattern` at `micro_ts`; valid until the next call.
  [[nodiscard]] std::string_view expand(std::string_view pattern, int64_t micro_ts);

 private:
  struct Expanded {
    std::string pattern;
    int64_t second = -1;
    std::string name;
  };
  std::vector<Expanded> cache_;  ///< one entry per pattern seen (a handful)
  /// The last answer: consecutive records nearly always share their pattern and second.
  std::string_view last_pattern_;
  int64_t last_second_ = -1;
  std::string_view last_name_;
};

}  // namespace siphon::process
