#include "sink/mysql/mysql_schema.h"

#include "sink/mysql/mysql_connection.h"

namespace siphon::sink {

std::vector<std::string_view> mysqlColumns(record::ColumnSet set) {
  std::vector<std::string_view> names;
  for (const auto& c : record::captureColumns(set)) {
    if (c.in(record::kInPostgres)) names.push_back(c.name);
  }
  return names;
}

std::string mysqlType(std::string_view t) {
  struct Map {
    std::string_view from, to;
  };
  static constexpr Map kTypes[] = {
      {"TIMESTAMP WITHOUT TIME ZONE", "DATETIME"}, {"BYTEA", "MEDIUMBLOB"}, {"BOOLEAN", "TINYINT(1)"},
      {"BIGINT", "BIGINT"},   {"INTEGER", "INT"},     {"SMALLINT", "SMALLINT"}, {"TEXT", "TEXT"},
  };
  for (const auto& m : kTypes) {
    if (t.starts_with(m.from)) return std::string(m.to) + std::string(t.substr(m.from.size()));
  }
  return std::string(t);
}

std::string mysqlCreateTable(std::string_view table, record::ColumnSet set) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + mysqlQuoteIdent(table) +
                    " (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT";
  std::string_view time_column;
  std::string keys;
  for (const auto& c : record::captureColumns(set)) {
    if (!c.in(record::kInPostgres) && !c.in(record::kPostgresDefault)) continue;
    const std::string type = mysqlType(c.postgres_type);
    sql += ", ";
    sql += c.name;
    sql += ' ';
    sql += type;
    if (c.type == record::ColumnType::Timestamp && time_column.empty()) time_column = c.name;
    if (c.in(record::kIndexed)) {
      keys += ", KEY " + mysqlQuoteIdent(std::string(c.name) + "_idx") + " (" + std::string(c.name);
      if (type.starts_with("TEXT")) keys += "(64)";
      keys += ")";
    }
  }
  sql += ", PRIMARY KEY (id, " + std::string(time_column) + ")" + keys +
         ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
  return sql;
}

}  // namespace siphon::sink
