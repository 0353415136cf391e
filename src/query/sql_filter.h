#pragma once
// The WHERE clauses a search and a call assembly send to an SQL store (PostgreSQL, MySQL /
// MariaDB), with every value a bound parameter: the filters of a SearchQuery, and the lookup
// of one identifier (Call-ID, callid_aleg or correlation id) for call assembly. Each store's
// reader runs them on every table of the writer's layout and decodes the rows its own way;
// every row read is checked again on its parse (search.h matches()), so the SQL only has to
// find a superset, quickly.
//
// Dialects differ in placeholders (PostgreSQL $1 with casts, MySQL ?, ClickHouse a column of
// the external table `params`: (SELECT p1 FROM params)) and in string concatenation; the
// clauses are otherwise the same text. On ClickHouse, users, addresses, correlation ids and
// callid_aleg are looked up in the key table (sink/clickhouse/clickhouse_schema.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/search.h"
#include "store/traffic_stats.h"

namespace siphon::query {

enum class SqlDialect : uint8_t { Postgres, Mysql, ClickHouse };

/// A table of the writer's layout (it has hep_chunks and micro_ts), and what kind it is.
struct SqlTable {
  std::string name;
  bool sip = false;              ///< has the SIP columns (callid, users, type)
  bool trace = false;            ///< a sip_trace table (traced_user): one row per traced user
  bool callid_aleg = false;      ///< has callid_aleg (sip_capture; not sip_trace)
  std::string_view time_column;  ///< date or time_stamp (whole seconds, indexed); "" none
  /// ClickHouse: the key table its rows are found through (siphon_keys), and the name rows
  /// carry there (the local table's, also when `name` is its Distributed `<name>_all`).
  std::string key_table, key_name;
};

struct SqlParam {
  std::string text;
  bool integer = false;  ///< bind as a 64-bit integer (MySQL, ClickHouse); PostgreSQL casts in the SQL
};

struct SqlWhere {
  std::string sql;  ///< " WHERE ..." or ""
  std::vector<SqlParam> params;
};

/// The filters of `q` that `t` has columns for (a report table has no SIP columns: a query
/// with SIP filters skips it, see hasSipFilter).
[[nodiscard]] SqlWhere searchWhere(const SearchQuery& q, const SqlTable& t, SqlDialect d);

/// Rows whose Call-ID, callid_aleg or correlation_id is `id`, within [since, until] (µs; 0 =
/// open). The correlation_id column holds HEP 0x0011 or, without one, the Call-ID.
[[nodiscard]] SqlWhere identifierWhere(std::string_view id, int64_t since, int64_t until,
                                       const SqlTable& t, SqlDialect d);

/// The row of `table` with this time and id (PostgreSQL, MySQL); ClickHouse rows have no id:
/// `id` < 0 asks for every row of that time (the reader picks the one by its hash).
[[nodiscard]] SqlWhere rowWhere(int64_t micro_ts, int64_t id, SqlDialect d);

/// The traffic statistics of `dim` (store/traffic_stats.h) counted from a table's rows, for a
/// store that keeps none at ingest: `columns` selects b (the bucket: seconds since the epoch,
/// a multiple of `interval_s`; 0 for every row when interval_s is 0, as a top list wants), k
/// (the key) and n (the count); `where` narrows to [since, until] (µs) and the rows `dim`
/// counts; the reader adds " GROUP BY b, k" and `tail`. nullopt when `t` has none of them (a report
/// table has no methods; sip_trace tables, one row per traced user, are left out).
struct SqlStats {
  std::string columns;
  SqlWhere where;
  std::string tail;  ///< after GROUP BY: a top list's ORDER BY n DESC LIMIT
};
[[nodiscard]] std::optional<SqlStats> statsSelect(store::StatsDim dim, const SqlTable& t,
                                                  int64_t since, int64_t until, int64_t interval_s,
                                                  SqlDialect d);

/// Whether `q` filters on SIP columns.
[[nodiscard]] bool hasSipFilter(const SearchQuery& q);

/// The columns a reader selects to rebuild a record, in this order (hep_chunks last); each
/// store casts them to the widths it reads.
inline constexpr std::string_view kRecordColumns[] = {
    "micro_ts",    "source_ip",    "source_port",  "destination_ip", "destination_port",
    "family",      "ip_proto",     "hep_version",  "capture_id",     "payload_type",
    "has_auth_key", "payload_compressed", "keepalive", "node",       "correlation_id",
    "msg",         "hep_chunks"};

}  // namespace siphon::query
