#include "sink/postgres/postgres_schema.h"

#include "core/byte_reader.h"
#include "record/capture_columns.h"
#include "sink/postgres/postgres_connection.h"

namespace siphon::sink {

std::vector<std::string_view> postgresColumns(record::ColumnSet set) {
  std::vector<std::string_view> names;
  for (const auto& c : record::captureColumns(set)) {
    if (c.in(record::kInPostgres)) names.push_back(c.name);
  }
  return names;
}

std::vector<std::string> postgresCreateTable(std::string_view table, record::ColumnSet set) {
  std::string t = quoteIdent(table);
  // Kamailio's key is (id, date) and OpenSIPS's Homer-6 one (id, tss): the time column, so
  // that the table can be range-partitioned by time.
  std::string create = "CREATE TABLE IF NOT EXISTS " + t + " (id BIGSERIAL NOT NULL";
  std::string_view time_column;
  std::vector<const record::CaptureColumn*> indexed;
  for (const auto& c : record::captureColumns(set)) {
    if (!c.in(record::kInPostgres) && !c.in(record::kPostgresDefault)) continue;
    create += ", ";
    create += c.name;
    create += ' ';
    create += c.postgres_type;
    if (c.type == record::ColumnType::Timestamp && time_column.empty()) time_column = c.name;
    if (c.in(record::kIndexed)) indexed.push_back(&c);
  }
  create += ", PRIMARY KEY (id, " + std::string(time_column) + "))";
  std::vector<std::string> out = {create};
  for (const record::CaptureColumn* c : indexed) {
    const std::string col(c->name);
    // Index names longer than 63 bytes are cut by the server; a cut name that another table
    // already uses only skips the index (IF NOT EXISTS), it never fails the insert.
    // The time column is BRIN: rows arrive in time order, so block ranges summarise it in a
    // few pages that serve time-range queries, where a B-tree is one more tree to descend on
    // every insert (bench/load/db_ingest.sh: about 50k rows/s with a B-tree on it,
    // 63-77k with BRIN, db_connections = 2).
    std::string sql = "CREATE INDEX IF NOT EXISTS " + quoteIdent(std::string(table) + "_" + col + "_idx") +
                      " ON " + t + (col == time_column ? " USING brin (" : " (") + col + ")";
    if (c->in(record::kSparse)) sql += " WHERE " + col + " <> ''";
    out.push_back(std::move(sql));
  }
  return out;
}

void encodeHepChunks(std::span<const core::ChunkView> chunks, std::string& out) {
  for (const auto& c : chunks) {
    if (c.value.size() > 0xFFFF - 6) continue;
    // HEPv3: chunk length includes the 6-byte chunk header.
    auto len = static_cast<uint16_t>(c.value.size() + 6);
    for (uint16_t v : {c.vendor, c.type, len}) {
      out += static_cast<char>(v >> 8);
      out += static_cast<char>(v & 0xFF);
    }
    out.append(reinterpret_cast<const char*>(c.value.data()), c.value.size());
  }
}

bool decodeHepChunks(std::span<const std::byte> bytes, std::vector<core::ChunkView>& out) {
  core::ByteReader r(bytes);
  while (r.remaining() > 0) {
    auto vendor = r.readU16be(), type = r.readU16be(), len = r.readU16be();
    if (!vendor || !type || !len || *len < 6) return false;
    auto value = r.take(*len - 6u);
    if (!value) return false;
    out.push_back({*vendor, *type, *value});
  }
  return true;
}

}  // namespace siphon::sink
