#include "sink/clickhouse/clickhouse_schema.h"

#include "sink/clickhouse/clickhouse_http.h"

namespace siphon::sink {
namespace {

std::string engine(std::string_view time, std::string_view order, int retention_days, bool has_ttl) {
  const std::string t(time);
  std::string e = " ENGINE = MergeTree PARTITION BY toYYYYMMDD(" + t + ") ORDER BY (" +
                  std::string(order) + ")";
  if (retention_days > 0 && has_ttl) {
    e += " TTL " + t + " + INTERVAL " + std::to_string(retention_days) + " DAY";
  }
  return e;
}

std::string distributed(std::string_view table, std::string_view cluster, std::string_view key) {
  const std::string local(table), all = std::string(table) + "_all";
  return "CREATE TABLE IF NOT EXISTS " + clickhouseQuoteIdent(all) + " AS " +
         clickhouseQuoteIdent(local) + " ENGINE = Distributed(" + clickhouseQuoteIdent(cluster) +
         ", currentDatabase(), " + clickhouseQuoteIdent(local) + ", " + std::string(key) + ")";
}

}  // namespace

std::string clickhouseType(const record::CaptureColumn& c) {
  const std::string_view t = c.postgres_type;
  std::string base = "String";
  if (t.starts_with("TIMESTAMP")) base = "DateTime";
  if (t.starts_with("BIGINT")) base = "Int64";
  if (t.starts_with("INTEGER")) base = "Int32";
  if (t.starts_with("SMALLINT")) base = "Int16";
  if (t.starts_with("BOOLEAN")) base = "UInt8";
  if (c.type == record::ColumnType::OptionalText) return "Nullable(String)";
  if (const auto d = t.find("DEFAULT "); d != std::string_view::npos) {
    return base + " DEFAULT " + std::string(t.substr(d + 8));
  }
  return base;
}

ClickHouseRowShape clickhouseRowShape(record::ColumnSet set) {
  ClickHouseRowShape shape;
  std::string plain, hashed;
  auto add = [](std::string& list, std::string_view item) {
    if (!list.empty()) list += ", ";
    list += item;
  };
  for (const auto& c : record::captureColumns(set)) {
    if (!c.in(record::kInPostgres)) continue;
    if (!shape.columns.empty()) shape.columns += ',';
    shape.columns += c.name;
    std::string type = clickhouseType(c);
    if (const auto d = type.find(" DEFAULT "); d != std::string::npos) type.resize(d);
    add(shape.structure, std::string(c.name) + " " + type);
    switch (c.type) {
      case record::ColumnType::Timestamp:
        if (shape.time.empty()) shape.time = c.name;
        [[fallthrough]];
      case record::ColumnType::Integer:
      case record::ColumnType::Boolean:
        add(plain, c.name);
        break;
      case record::ColumnType::Text:
      case record::ColumnType::Payload:
        add(hashed, c.name);
        break;
      case record::ColumnType::OptionalText:
      case record::ColumnType::Chunks:
        break;
    }
  }
  shape.identity = "(" + plain + (hashed.empty() ? "" : ", cityHash64(" + hashed + ")") + ")";
  return shape;
}

ClickHouseRowShape clickhouseKeyShape() {
  return {"kind, key, date, micro_ts, callid, tbl",
          "kind UInt8, key String, date DateTime, micro_ts Int64, callid String, tbl String",
          "(kind, date, micro_ts, cityHash64(key, callid, tbl))", "date"};
}

std::vector<std::string> clickhouseCreateTable(std::string_view table, record::ColumnSet set,
                                               std::string_view cluster, int retention_days,
                                               bool has_ttl) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + clickhouseQuoteIdent(table) + " (";
  std::string_view time;
  bool first = true, has_callid = false;
  for (const auto& c : record::captureColumns(set)) {
    if (!c.in(record::kInPostgres) && !c.in(record::kPostgresDefault)) continue;
    if (!first) sql += ", ";
    first = false;
    sql += std::string(c.name) + " " + clickhouseType(c);
    if (c.type == record::ColumnType::Timestamp && time.empty()) time = c.name;
    if (c.name == "callid") has_callid = true;
  }
  sql += ")";
  const std::string t(time);
  const std::string order = has_callid ? "toStartOfHour(" + t + "), callid, micro_ts"
                                       : "toStartOfHour(" + t + ")";
  sql += engine(time, order, retention_days, has_ttl);
  std::vector<std::string> out = {sql};
  if (!cluster.empty()) out.push_back(distributed(table, cluster, has_callid ? "sipHash64(callid)" : "rand()"));
  return out;
}

std::vector<std::string> clickhouseCreateKeyTable(std::string_view cluster, int retention_days,
                                                  bool has_ttl) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + clickhouseQuoteIdent(kClickHouseKeyTable) +
                    " (kind UInt8, key String, date DateTime, micro_ts Int64, callid String, "
                    "tbl String)" +
                    engine("date", "kind, key, date", retention_days, has_ttl);
  std::vector<std::string> out = {sql};
  // The key rows of a call shard with its rows: a shard's lookups find its own messages.
  if (!cluster.empty()) out.push_back(distributed(kClickHouseKeyTable, cluster, "sipHash64(callid)"));
  return out;
}

}  // namespace siphon::sink
