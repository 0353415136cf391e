#pragma once
// Search over the embedded store (`siphon search`, the HTTP API): filters on the familiar
// sip_capture columns. The most selective indexed filter (Call-ID, correlation id, users, IP)
// picks candidate blocks; without one, blocks are scanned newest first within the time range.
// Every filter is then checked on the parsed record, so index hash collisions never leak.

#include <cstdint>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"
#include "store/block_store.h"

namespace siphon::query {

struct SearchQuery {
  std::string call_id, correlation, from_user, to_user, ruri_user, method, ip, node;
  std::optional<int> status;  ///< reply status code
  int64_t since = 0;          ///< µs since epoch, 0 = open
  int64_t until = 0;          ///< µs since epoch, 0 = open
  size_t limit = 100;
  /// Newest matches skipped before the `limit` returned ones (pagination: page N of size L is
  /// offset N*L). The skipped records are still read, so cost grows with the offset.
  size_t offset = 0;
  /// `NAME:VALUE` filters (HTTP API `header=`): for each, some header field named NAME
  /// (case-insensitive, long or compact form) must contain VALUE (case-sensitive substring).
  std::vector<std::pair<std::string, std::string>> headers;
  /// custom_field1..3 columns (configured custom_fieldN_header): exact values, "" = any.
  std::string custom_field1, custom_field2, custom_field3;
};

/// One found message: the decoded record and its one SIP parse. `meta` and `sip` view
/// `block_bytes`.
struct Found {
  std::shared_ptr<const std::vector<std::byte>> block_bytes;
  core::CaptureMeta meta;
  record::ParsedSip sip;
  std::string table;
  /// Where the record is stored in the embedded store: BlockStore::loadBlock(block_id)
  /// .records[record_index] is this record (a block keeps its id and record order when it is
  /// rewritten or sealed). 0 for stores without blocks (PostgreSQL).
  int64_t block_id = 0;
  size_t record_index = 0;
};

struct SearchResult {
  std::vector<Found> records;  ///< newest first, after skipping `offset`
  bool truncated = false;      ///< more records matched than `offset + limit`
  size_t blocks_read = 0;
};

/// Runs `q` against `store`. `row_options` must match the collector's (callid_aleg_header, ...).
[[nodiscard]] core::Result<SearchResult, core::Failure> search(
    store::BlockStore& store, const SearchQuery& q, const record::CaptureRowOptions& row_options = {});

/// True when the record matches every filter of `q` (time, columns, headers). `sip` is the
/// record's parse; `row_options` gives its node column.
[[nodiscard]] bool matches(const SearchQuery& q, const core::CaptureMeta& meta,
                           const record::ParsedSip& sip, const record::CaptureRowOptions& row_options);

/// TIME of the CLI: RFC 3339 ("2026-11-22T10:00:00Z", fraction and offset allowed) or relative
/// to `now_us` ("-15m", "-2h", "-7d", "-30s"). Returns µs since epoch.
[[nodiscard]] core::Result<int64_t, core::Failure> parseTime(std::string_view text, int64_t now_us);

}  // namespace siphon::query
