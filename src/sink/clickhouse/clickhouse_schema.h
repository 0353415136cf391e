#pragma once
// The ClickHouse tables the collector writes (db_url = clickhouse://...): the PostgreSQL
// tables' columns (record/capture_columns.h) in ClickHouse's types, and the key table that
// finds users, addresses and correlation ids quickly.
//
//   TEXT -> String   BIGINT/INTEGER/SMALLINT -> Int64/Int32/Int16   BOOLEAN -> UInt8
//   BYTEA -> String (bytes, as they came)   TIMESTAMP -> DateTime   nullable TEXT -> Nullable(String)
//
// Each table is a MergeTree partitioned by day (toYYYYMMDD of its time column: retention drops
// whole days) and ordered by (toStartOfHour(time), callid, micro_ts) for SIP rows: a time range
// reads the hours it covers, and within each hour a Call-ID lookup reads the granules that can
// hold it, which is what call lookups and time-bounded searches need.
//
// Users, IP addresses, correlation ids and callid_aleg are found through siphon_keys, one row
// per (kind, value) of each message, ordered by (kind, key, date): a lookup reads the few
// granules of that key and gives the Call-IDs and times to read from the table. (ClickHouse
// 19.6+ has data-skipping indexes, which would do this in the table itself; Debian's 18.16 has
// neither them nor TTL, so this works on both and the key table stays.)
//
// Scale-out (clickhouse_cluster = NAME): each table gets a Distributed table `<table>_all` over
// the cluster, sharded by sipHash64(callid) (a call's legs with one Call-ID land on one shard),
// which searches read; collectors write their own server's local tables.

#include <string>
#include <string_view>
#include <vector>

#include "record/capture_columns.h"

namespace siphon::sink {

/// What siphon_keys holds for each message.
enum class ClickHouseKey : uint8_t {
  FromUser = 1,
  ToUser = 2,
  RuriUser = 3,
  Ip = 4,           ///< source and destination address, as text
  Correlation = 5,  ///< HEP 0x0011 when it is not the Call-ID
  CallIdAleg = 6,
};

inline constexpr std::string_view kClickHouseKeyTable = "siphon_keys";

/// A table's rows as the writer sends them, and how one row is told from another when a batch
/// is written again after an attempt whose outcome is unknown (ClickHouseWriter::rewrite): the
/// batch goes up as an external table of `structure`, and `identity`, an expression over the
/// columns of either table, says which of its rows the table already holds in the batch's range
/// of `time`. The identity is the time, number and flag columns as they are, and one cityHash64
/// of the text and payload columns (nullable text left out: NULL equals nothing in IN): two
/// different messages never share it but by a 64-bit hash collision at the same microsecond.
struct ClickHouseRowShape {
  std::string columns;    ///< "date,micro_ts,...": the INSERT's column list (the PostgreSQL columns of the set)
  std::string structure;  ///< "date DateTime, micro_ts Int64, ...": the external table's
  std::string identity;   ///< "(date, micro_ts, ..., cityHash64(method, ..., msg))"
  std::string time;       ///< the column the range is taken over (the partition key's)
};
[[nodiscard]] ClickHouseRowShape clickhouseRowShape(record::ColumnSet set);
/// The same for siphon_keys.
[[nodiscard]] ClickHouseRowShape clickhouseKeyShape();

/// A column's ClickHouse type from its PostgreSQL one.
[[nodiscard]] std::string clickhouseType(const record::CaptureColumn& c);

/// CREATE TABLE IF NOT EXISTS for `table` of `set`, and for its Distributed `<table>_all` over
/// `cluster` when one is named. `retention_days` > 0 with a server that has TTL (19.6+) adds
/// it; older servers are pruned by dropping partitions (clickhouseExpiredPartitions).
[[nodiscard]] std::vector<std::string> clickhouseCreateTable(std::string_view table,
                                                            record::ColumnSet set,
                                                            std::string_view cluster,
                                                            int retention_days, bool has_ttl);
/// The same for siphon_keys.
[[nodiscard]] std::vector<std::string> clickhouseCreateKeyTable(std::string_view cluster,
                                                               int retention_days, bool has_ttl);

}  // namespace siphon::sink
