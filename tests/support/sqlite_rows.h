#pragma once
// Reading a Siphon store's views back through SQLite in a test, as the sqlite3 shell would
// after `.load siphon_sqlite`: open the file read-only with siphon_messages registered, and
// take the first row of a query as one '|'-joined line. Header-only, uses GoogleTest.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "store/sqlite_extension.h"

namespace siphon::support {

/// The first row of `sql`, its columns joined by '|' (NULL for a null); "" when no row.
inline std::string firstRow(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db) << " in " << sql;
  std::string out;
  if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      if (i) out += "|";
      const auto* t = sqlite3_column_text(st, i);
      out += t ? reinterpret_cast<const char*>(t) : "NULL";
    }
  }
  sqlite3_finalize(st);
  return out;
}

/// A store file opened read-only with the siphon_messages module, closed on destruction.
class StoreViews {
 public:
  explicit StoreViews(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_EQ(store::registerSiphonMessages(db_), SQLITE_OK);
  }
  ~StoreViews() { sqlite3_close(db_); }
  StoreViews(const StoreViews&) = delete;
  StoreViews& operator=(const StoreViews&) = delete;

  [[nodiscard]] std::string row(const std::string& sql) const { return firstRow(db_, sql); }
  [[nodiscard]] sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace siphon::support
