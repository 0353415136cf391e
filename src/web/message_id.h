#pragma once
// The opaque id the API gives each stored message. Clients treat it as an opaque string.
//
//   embedded store   "<block id>.<index in block>": stable, as a block keeps its id and record
//                    order while it is open, rewritten and sealed (block_store.h)
//   SQL stores       "r.<table, hex>.<micro_ts>.<row key>": the row's table, its time and its
//                    key (PostgreSQL's and MySQL's id; ClickHouse's hash, see
//                    query/clickhouse_reader.h), which CaptureReader::message() finds again

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siphon::web {

struct MessageRef {
  int64_t block_id = 0;  ///< embedded store; 0 for an SQL row
  size_t index = 0;      ///< the record's index in its block, or the row's key
  std::string table;     ///< SQL row: its table
  int64_t micro_ts = 0;  ///< SQL row: its time
};

[[nodiscard]] std::string messageId(int64_t block_id, size_t index);
/// The id of a message read from any store: messageId() for the embedded store's (block_id >
/// 0), else the SQL row form.
[[nodiscard]] std::string messageIdOf(std::string_view table, int64_t block_id, size_t index,
                                      int64_t micro_ts);

/// nullopt unless `text` is exactly "B.I" with B >= 1 and I >= 0 decimal integers, or the SQL
/// row form with a non-empty table of at most 256 bytes.
[[nodiscard]] std::optional<MessageRef> parseMessageId(std::string_view text);

}  // namespace siphon::web
