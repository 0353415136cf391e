#pragma once
// CaptureReader: where the read path (siphon search, flow, export, the HTTP API) reads stored
// messages from: the embedded store, PostgreSQL or MySQL/MariaDB. Everything above it (search
// filters, call assembly, the ladder, pcap export, JSON) is written once, against this.
//
//   search(q)            the messages matching q, newest first (search.h)
//   byIdentifier(id)     call assembly's lookup: messages whose Call-ID, callid_aleg or
//                        correlation id may be `id` (a superset is fine: the assembly checks
//                        each on its parse); each carries a key unique in the store (table,
//                        block_id, record_index), so a message found twice is one message
//
// A reader is used by one thread; the HTTP API opens one per request.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "query/search.h"
#include "record/capture_row.h"
#include "store/traffic_stats.h"

namespace siphon::query {

class CaptureReader {
 public:
  virtual ~CaptureReader() = default;
  [[nodiscard]] virtual core::Result<SearchResult, core::Failure> search(const SearchQuery& q) = 0;
  /// Messages that may carry `id`, within [since, until] (µs, 0 = open), at most `limit` of
  /// them (the earliest when there are more). Found::sip is not filled: the caller parses.
  [[nodiscard]] virtual core::Result<std::vector<Found>, core::Failure> byIdentifier(
      std::string_view id, int64_t since, int64_t until, size_t limit) = 0;
  /// One message of an SQL store again, by what a Found of it carried: its table, time and
  /// key (record_index). nullopt when there is no such row (or no such table). The embedded
  /// store names its messages by block instead (web/message_id.h) and has none.
  [[nodiscard]] virtual core::Result<std::optional<Found>, core::Failure> message(
      const std::string& table, int64_t micro_ts, int64_t key) {
    (void)table, (void)micro_ts, (void)key;
    return std::optional<Found>{};
  }
  /// The traffic statistics (store/traffic_stats.h) of `dim` in [since_s, until_s], in buckets
  /// of `interval_s` seconds from the epoch; rows in no order. The embedded store keeps them at
  /// ingest (read there through BlockStore); the SQL stores count their rows.
  [[nodiscard]] virtual core::Result<std::vector<store::StatsRow>, core::Failure> statsSeries(
      store::StatsDim dim, int64_t since_s, int64_t until_s, int64_t interval_s) {
    (void)dim, (void)since_s, (void)until_s, (void)interval_s;
    return core::unexpected(core::Failure{"this store keeps no traffic statistics", 1});
  }
  /// The `limit` keys of `dim` with the largest counts in [since_s, until_s], largest first.
  [[nodiscard]] virtual core::Result<std::vector<store::StatsRow>, core::Failure> statsTop(
      store::StatsDim dim, int64_t since_s, int64_t until_s, size_t limit) {
    (void)dim, (void)since_s, (void)until_s, (void)limit;
    return core::unexpected(core::Failure{"this store keeps no traffic statistics", 1});
  }
};

using CaptureReaderPtr = std::unique_ptr<CaptureReader>;

/// A reader for `url`: sqlite: (read-only, beside a running writer), postgres://, mysql://.
/// `row` is the collector's capture_node, callid_aleg_header and custom_field headers, so that
/// records read back get the columns they were stored with. Another scheme: exit code 2.
[[nodiscard]] core::Result<CaptureReaderPtr, core::Failure> openCaptureReader(
    const core::DbUrl& url, const record::CaptureRowOptions& row);

/// The rows of several tables into one result, as every SQL reader returns it: each row is
/// parsed, checked with matches(), sorted newest first; `q.offset` rows are skipped and at
/// most `q.limit` kept (truncated when more matched).
void finishSqlSearch(const SearchQuery& q, const record::CaptureRowOptions& row,
                     std::vector<Found>& rows, SearchResult& result);

}  // namespace siphon::query
