#pragma once
// The MySQL/MariaDB tables the collector writes (db_url = mysql://...): the same columns as the
// PostgreSQL tables (record/capture_columns.h, postgres_schema.h), in MySQL's types:
//
//   TEXT -> TEXT (utf8mb4)   BIGINT/INTEGER/SMALLINT -> the same   BOOLEAN -> TINYINT(1)
//   BYTEA -> MEDIUMBLOB      TIMESTAMP WITHOUT TIME ZONE -> DATETIME
//
// Text columns are TEXT, not Kamailio's VARCHAR(n), for the reason PostgreSQL's are: a strict
// server refuses an over-long value, and with it the batch. msg is MEDIUMBLOB, byte-exact (up
// to 16 MB). InnoDB, keyed (id, time) as Kamailio's; the indexes (the columns marked kIndexed)
// are made with the table in one statement, on a 64-character prefix for TEXT columns (InnoDB
// indexes TEXT by prefix only; equality still compares whole values).

#include <string>
#include <string_view>
#include <vector>

#include "record/capture_columns.h"

namespace siphon::sink {

/// Column order of the writer's INSERT: the PostgreSQL columns of the set.
[[nodiscard]] std::vector<std::string_view> mysqlColumns(record::ColumnSet set);

/// A column's MySQL type from its PostgreSQL one ("BIGINT NOT NULL" stays, "TEXT NOT NULL"
/// becomes "TEXT NOT NULL", "BYTEA NOT NULL" "MEDIUMBLOB NOT NULL", ...).
[[nodiscard]] std::string mysqlType(std::string_view postgres_type);

/// CREATE TABLE IF NOT EXISTS `table` (..., PRIMARY KEY (id, time), KEY ... ) for the set.
[[nodiscard]] std::string mysqlCreateTable(std::string_view table, record::ColumnSet set);

}  // namespace siphon::sink
