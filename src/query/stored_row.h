#pragma once
// StoredRow: the columns an SQL store keeps of one record (sql_filter.h's kRecordColumns plus
// the row's id), as a reader got them back, and the Found they make: the CaptureMeta the
// collector stored, its bytes copied into one buffer that the Found owns. Each reader fills a
// StoredRow its own way (PostgreSQL's binary results, MySQL's bound columns).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "query/search.h"

namespace siphon::query {

struct StoredRow {
  int64_t micro_ts = 0;
  std::string_view source_ip, destination_ip;
  int64_t source_port = 0, destination_port = 0;
  int64_t family = 0, ip_proto = 0, hep_version = 0, capture_id = 0, payload_type = 0;
  bool has_auth_key = false, payload_compressed = false;
  int64_t keepalive = 0;
  std::string_view node, correlation_id;
  std::span<const std::byte> msg, hep_chunks;
  int64_t id = 0;
};

/// The record `row` holds, from `table`; its key is (table, 0, id). Chunks that do not decode
/// (a column written by someone else) are left out.
[[nodiscard]] Found foundFromRow(const StoredRow& row, std::string table);

}  // namespace siphon::query
