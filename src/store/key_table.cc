#include "store/key_table.h"

#include <sqlite3.h>

#include <string_view>

namespace siphon::store {

core::Result<KeyLayout, core::Failure> openKeyTable(sqlite3* db, bool read_only) {
  auto fail = [&](std::string_view what) {
    return core::unexpected(core::Failure{std::string(what) + ": " + sqlite3_errmsg(db), 1});
  };
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('keys')", -1, &st, nullptr) !=
      SQLITE_OK) {
    return fail("key table");
  }
  bool any = false, hash = false, packed = false;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const std::string_view name(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                                static_cast<size_t>(sqlite3_column_bytes(st, 0)));
    any = true;
    hash = hash || name == "hash";
    packed = packed || name == "k";
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail("key table");
  if (hash) return KeyLayout::BucketHash;
  if (packed || read_only) return KeyLayout::Packed;
  if (any) {
    return core::unexpected(
        core::Failure{"key table: a table named keys without the columns of either layout", 1});
  }
  const char* create =
      "CREATE TABLE keys (k INTEGER NOT NULL, block INTEGER NOT NULL, PRIMARY KEY (k, block))"
      " WITHOUT ROWID;"
      "INSERT OR IGNORE INTO siphon_meta VALUES ('key_layout', 'k = bucket << 32 | hash >> 32');";
  if (sqlite3_exec(db, create, nullptr, nullptr, nullptr) != SQLITE_OK) return fail("key table");
  return KeyLayout::Packed;
}

std::string keyInsertSql(KeyLayout layout, size_t rows) {
  const bool packed = layout == KeyLayout::Packed;
  std::string sql = packed ? "INSERT OR IGNORE INTO keys (k, block) VALUES "
                           : "INSERT OR IGNORE INTO keys (bucket, hash, block) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "" : ",";
    sql +=
        packed ? "(?" + std::to_string(2 + r) + ",?1)" : "(?1,?" + std::to_string(3 + r) + ",?2)";
  }
  return sql;
}

const char* keyLookupSql(KeyLayout layout) {
  // SQLite seeks once per bucket id the subquery yields, without a statement step and reset
  // per bucket.
  return layout == KeyLayout::Packed
             ? "SELECT block FROM keys WHERE k IN "
               "(SELECT (id << 32) | ?3 FROM buckets WHERE max_ts >= ?1 AND min_ts <= ?2)"
             : "SELECT block FROM keys WHERE hash = ?3 AND bucket IN "
               "(SELECT id FROM buckets WHERE max_ts >= ?1 AND min_ts <= ?2)";
}

int64_t lookupValue(KeyLayout layout, int64_t hash) {
  return layout == KeyLayout::Packed ? static_cast<int64_t>(static_cast<uint64_t>(hash) >> 32)
                                     : hash;
}

std::string keyBucketDeleteSql(KeyLayout layout, int64_t id) {
  if (layout == KeyLayout::BucketHash)
    return "DELETE FROM keys WHERE bucket = " + std::to_string(id);
  return "DELETE FROM keys WHERE k BETWEEN " + std::to_string(packedKey(id, 0)) + " AND " +
         std::to_string(packedKey(id, -1));
}

}  // namespace siphon::store
