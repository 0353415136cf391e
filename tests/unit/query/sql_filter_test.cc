// The WHERE clauses of the SQL stores (query/sql_filter.h): every value is a bound parameter in
// each dialect's form, never part of the SQL text, and each filter lands on the columns (or
// ClickHouse's key table) that hold it.

#include "query/sql_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace siphon::query {
namespace {

SqlTable sipTable() {
  SqlTable t;
  t.name = "sip_capture";
  t.sip = true;
  t.callid_aleg = true;
  t.time_column = "date";
  return t;
}

bool anyParamIn(const SqlWhere& w) {
  for (const auto& p : w.params) {
    if (!p.text.empty() && w.sql.find(p.text) != std::string::npos) return true;
  }
  return false;
}

TEST(SqlFilter, ValuesAreBoundInEveryDialect) {
  SearchQuery q;
  q.call_id = "evil'); DROP TABLE sip_capture; --";
  q.from_user = "alice";
  q.node = "edge1";
  q.ip = "10.0.0.1";
  q.since = 1'700'000'000'000'000;
  q.until = 1'700'000'100'000'000;
  q.status = 486;
  for (auto d : {SqlDialect::Postgres, SqlDialect::Mysql, SqlDialect::ClickHouse}) {
    auto t = sipTable();
    if (d == SqlDialect::ClickHouse) {
      t.key_table = "`siphon`.`siphon_keys`";
      t.key_name = "sip_capture";
    }
    const SqlWhere w = searchWhere(q, t, d);
    EXPECT_FALSE(anyParamIn(w)) << w.sql;
    EXPECT_EQ(w.sql.find("DROP"), std::string::npos);
    EXPECT_TRUE(w.sql.starts_with(" WHERE "));
    bool has_call_id = false;
    for (const auto& p : w.params) has_call_id = has_call_id || p.text == q.call_id;
    EXPECT_TRUE(has_call_id);
  }
}

TEST(SqlFilter, PlaceholdersPerDialect) {
  SearchQuery q;
  q.call_id = "c1";
  q.since = 1'700'000'000'000'000;
  const auto pg = searchWhere(q, sipTable(), SqlDialect::Postgres);
  EXPECT_NE(pg.sql.find("date >= $1::timestamp"), std::string::npos) << pg.sql;
  EXPECT_NE(pg.sql.find("micro_ts >= $2::int8"), std::string::npos) << pg.sql;
  EXPECT_NE(pg.sql.find("callid = $3::text"), std::string::npos) << pg.sql;
  EXPECT_EQ(pg.params[0].text, "2023-11-14 22:13:20");
  EXPECT_TRUE(pg.params[1].integer);
  const auto my = searchWhere(q, sipTable(), SqlDialect::Mysql);
  EXPECT_EQ(my.sql, " WHERE date >= ? AND micro_ts >= ? AND callid = ?");
  auto t = sipTable();
  t.key_table = "keys";
  t.key_name = "sip_capture";
  const auto ch = searchWhere(q, t, SqlDialect::ClickHouse);
  EXPECT_NE(ch.sql.find("date >= toDateTime((SELECT p1 FROM params))"), std::string::npos) << ch.sql;
  EXPECT_NE(ch.sql.find("callid = (SELECT p3 FROM params)"), std::string::npos) << ch.sql;
}

TEST(SqlFilter, SipTraceTablesReadEachMessageOnceAndTheirStatusColumn) {
  SqlTable t;
  t.name = "sip_trace";
  t.sip = true;
  t.trace = true;
  t.time_column = "time_stamp";
  SearchQuery q;
  q.status = 407;
  const auto w = searchWhere(q, t, SqlDialect::Postgres);
  EXPECT_NE(w.sql.find("traced_user = ''"), std::string::npos);
  EXPECT_NE(w.sql.find("type = 2 AND status = $1::text"), std::string::npos) << w.sql;
  const auto id = identifierWhere("x", 0, 0, t, SqlDialect::Mysql);
  EXPECT_EQ(id.sql, " WHERE traced_user = '' AND (correlation_id = ? OR callid = ?)") << "no callid_aleg";
}

TEST(SqlFilter, ClickHouseFindsUsersAddressesAndCorrelationThroughTheKeyTable) {
  auto t = sipTable();
  t.key_table = "`db`.`siphon_keys`";
  t.key_name = "sip_capture";
  SearchQuery q;
  q.to_user = "bob";
  q.ip = "10.1.2.3";
  const auto w = searchWhere(q, t, SqlDialect::ClickHouse);
  EXPECT_NE(w.sql.find("(callid, micro_ts) IN (SELECT callid, micro_ts FROM `db`.`siphon_keys` WHERE kind IN (2)"),
            std::string::npos) << w.sql;
  EXPECT_NE(w.sql.find("kind IN (4)"), std::string::npos) << w.sql;
  EXPECT_EQ(w.sql.find("to_user ="), std::string::npos);
  const auto id = identifierWhere("leg-a", 0, 0, t, SqlDialect::ClickHouse);
  EXPECT_NE(id.sql.find("callid = (SELECT p1 FROM params) OR (callid, micro_ts) IN"), std::string::npos) << id.sql;
  EXPECT_NE(id.sql.find("kind IN (5, 6)"), std::string::npos) << id.sql;
}

}  // namespace
}  // namespace siphon::query

namespace siphon::query {
namespace {

// The statistics an SQL store counts from its rows: buckets from micro_ts in each dialect's
// integer division, the range bound, the rows a dimension counts; a report table has no
// methods, a sip_trace table (a row per traced user) is not counted.
TEST(SqlStats, BucketsRangeAndRowsPerDialect) {
  using store::StatsDim;
  const SqlTable sip = sipTable();
  auto pg = statsSelect(StatsDim::Method, sip, 60'000'000, 120'000'000, 300, SqlDialect::Postgres);
  ASSERT_TRUE(pg.has_value());
  EXPECT_EQ(pg->columns, "(micro_ts / 300000000) * 300 AS b, method AS k, count(*) AS n");
  EXPECT_NE(pg->where.sql.find("type = 1"), std::string::npos) << pg->where.sql;
  EXPECT_NE(pg->where.sql.find("date >= $1::timestamp"), std::string::npos) << pg->where.sql;
  EXPECT_FALSE(anyParamIn(pg->where));
  auto my = statsSelect(StatsDim::Class, sip, 60'000'000, 120'000'000, 60, SqlDialect::Mysql);
  ASSERT_TRUE(my.has_value());
  EXPECT_EQ(my->columns,
            "(micro_ts DIV 60000000) * 60 AS b, CONCAT(substring(method, 1, 1), 'xx') AS k, count(*) AS n");
  auto ch = statsSelect(StatsDim::Total, sip, 60'000'000, 120'000'000, 0, SqlDialect::ClickHouse);
  ASSERT_TRUE(ch.has_value());
  EXPECT_EQ(ch->columns, "toInt64(0) AS b, '' AS k, count(*) AS n");

  SqlTable rtcp;
  rtcp.name = "rtcp_capture_all";
  rtcp.time_column = "date";
  EXPECT_FALSE(statsSelect(StatsDim::Method, rtcp, 0, 1, 60, SqlDialect::ClickHouse).has_value());
  auto kind = statsSelect(StatsDim::Kind, rtcp, 0, 1, 60, SqlDialect::ClickHouse);
  ASSERT_TRUE(kind.has_value());
  EXPECT_NE(kind->columns.find("'rtcp' AS k"), std::string::npos) << kind->columns;
  SqlTable trace = sipTable();
  trace.name = "sip_trace";
  trace.trace = true;
  EXPECT_FALSE(statsSelect(StatsDim::Total, trace, 0, 1, 60, SqlDialect::Postgres).has_value());
}

}  // namespace
}  // namespace siphon::query
