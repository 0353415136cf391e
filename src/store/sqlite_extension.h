#pragma once
// The `siphon_messages` virtual table (sqlite_extension.cc): the block store read as rows with
// the sip_capture columns. Loaded into the sqlite3 shell as the `siphon_sqlite` extension.

#include <sqlite3.h>

namespace siphon::store {

/// Registers the eponymous virtual table `siphon_messages` on `db`; an SQLite result code.
int registerSiphonMessages(sqlite3* db);

}  // namespace siphon::store
