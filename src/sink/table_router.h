#pragma once
// Which table a SIP record goes to (docs/HEP-AND-MODULES.md §2.5): `table_name` may list
// several tables separated by `|`; `mt_mode` picks one per record (`rand`, `round_robin`, or
// `hash` over `hash_source` = call_id / from_user / to_user, CRC-32 like Kamailio); the chosen
// name is expanded with strftime() at the record's capture time in UTC.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sip/sip_capture_fields.h"

namespace siphon::sink {

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

class TableRouter {
 public:
  explicit TableRouter(TableRouting routing, uint64_t seed = 1);
  /// The table for one record; empty when mt_mode=hash and the hash source is empty (Kamailio
  /// then does not store the message; we store it in the first table instead and say so).
  /// The view stays valid until the next call.
  [[nodiscard]] std::string_view route(const sip::SipCaptureFields& fields, int64_t micro_ts);

 private:
  struct Expanded {
    int64_t second = -1;  ///< capture second the name was expanded for
    std::string name;
  };
  TableRouting routing_;
  std::vector<Expanded> expanded_;  ///< per table: strftime runs once per second, not per record
  std::mt19937_64 rng_;
  size_t next_ = 0;
};

/// strftime() of `pattern` at `unix_seconds` UTC; patterns without '%' come back unchanged.
[[nodiscard]] std::string expandTableName(std::string_view pattern, int64_t unix_seconds);

}  // namespace siphon::sink
