// ClickHouse's pure parts, without a server: the tables' DDL (types, partitions, order, TTL only
// where the server has it, Distributed tables), and RowBinary written and read back. The writer
// and reader against real servers are tests/integration/clickhouse_cluster_test.sh.

#include "sink/clickhouse/clickhouse_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sink/clickhouse/clickhouse_http.h"
#include "sink/clickhouse/row_binary.h"

namespace siphon::sink {
namespace {

TEST(ClickHouseSchema, SipCaptureIsPartitionedByDayAndOrderedForCallLookups) {
  auto sql = clickhouseCreateTable("sip_capture", record::ColumnSet::Sip, "", 0, false);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_TRUE(sql[0].starts_with("CREATE TABLE IF NOT EXISTS `sip_capture` (date DateTime, micro_ts Int64"))
      << sql[0];
  EXPECT_NE(sql[0].find("msg String"), std::string::npos);
  EXPECT_NE(sql[0].find("parse_error Nullable(String)"), std::string::npos);
  EXPECT_NE(sql[0].find("has_auth_key UInt8"), std::string::npos);
  EXPECT_NE(sql[0].find("ENGINE = MergeTree PARTITION BY toYYYYMMDD(date) ORDER BY "
                        "(toStartOfHour(date), callid, micro_ts)"),
            std::string::npos)
      << sql[0];
  EXPECT_EQ(sql[0].find("TTL"), std::string::npos);
}

TEST(ClickHouseSchema, TtlOnlyWhereTheServerHasItAndDistributedOverTheCluster) {
  auto old_server = clickhouseCreateTable("sip_capture", record::ColumnSet::Sip, "siphon", 30, false);
  EXPECT_EQ(old_server[0].find("TTL"), std::string::npos);
  auto new_server = clickhouseCreateTable("sip_capture", record::ColumnSet::Sip, "siphon", 30, true);
  EXPECT_NE(new_server[0].find("TTL date + INTERVAL 30 DAY"), std::string::npos);
  ASSERT_EQ(new_server.size(), 2u);
  EXPECT_EQ(new_server[1],
            "CREATE TABLE IF NOT EXISTS `sip_capture_all` AS `sip_capture` ENGINE = "
            "Distributed(`siphon`, currentDatabase(), `sip_capture`, sipHash64(callid))");
  auto rtcp = clickhouseCreateTable("rtcp_capture", record::ColumnSet::Homer5Report, "siphon", 0, false);
  EXPECT_NE(rtcp[0].find("ORDER BY (toStartOfHour(date))"), std::string::npos) << rtcp[0];
  EXPECT_NE(rtcp[1].find("rand()"), std::string::npos);
  auto keys = clickhouseCreateKeyTable("siphon", 0, false);
  EXPECT_NE(keys[0].find("ORDER BY (kind, key, date)"), std::string::npos);
  EXPECT_NE(keys[1].find("sipHash64(callid)"), std::string::npos) << "keys shard with their rows";
  auto h6 = clickhouseCreateTable("report", record::ColumnSet::Homer6Report, "", 0, false);
  EXPECT_NE(h6[0].find("gid Int32 DEFAULT 10"), std::string::npos) << h6[0];
}

// What rewrite() sends and compares: the external table has the INSERT's columns with bare types
// (no DEFAULT), and a row's identity leaves out nullable text, which never equals itself in IN.
TEST(ClickHouseSchema, RowShapeForRewrites) {
  const ClickHouseRowShape sip = clickhouseRowShape(record::ColumnSet::Sip);
  EXPECT_EQ(sip.time, "date");
  EXPECT_TRUE(sip.columns.starts_with("date,micro_ts,")) << sip.columns;
  EXPECT_TRUE(sip.structure.starts_with("date DateTime, micro_ts Int64, ")) << sip.structure;
  EXPECT_EQ(sip.structure.find("DEFAULT"), std::string::npos) << sip.structure;
  EXPECT_NE(sip.structure.find("parse_error Nullable(String)"), std::string::npos);
  EXPECT_TRUE(sip.identity.starts_with("(date, micro_ts, ")) << sip.identity;
  EXPECT_NE(sip.identity.find("cityHash64("), std::string::npos);
  EXPECT_NE(sip.identity.find(", msg)"), std::string::npos) << sip.identity;
  EXPECT_EQ(sip.identity.find("parse_error"), std::string::npos) << sip.identity;
  // As many columns in the list as in the structure.
  const auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  EXPECT_EQ(commas(sip.columns), commas(sip.structure));
  for (auto set : {record::ColumnSet::Homer5Report, record::ColumnSet::Homer6Report,
                   record::ColumnSet::SipTrace}) {
    const ClickHouseRowShape shape = clickhouseRowShape(set);
    EXPECT_FALSE(shape.time.empty());
    EXPECT_EQ(commas(shape.columns), commas(shape.structure));
  }
  EXPECT_EQ(clickhouseKeyShape().time, "date");
}

TEST(ClickHouseSchema, IdentifiersAreQuoted) {
  EXPECT_EQ(clickhouseQuoteIdent("a`b\\c"), "`a\\`b\\\\c`");
}

TEST(RowBinary, WrittenAndReadBack) {
  std::string out;
  rowBinaryInt(out, -2, 8);
  rowBinaryString(out, std::string(300, 'x'));  // a two-byte length
  rowBinaryString(out, "");
  RowBinaryReader r(out);
  EXPECT_EQ(r.int64(), -2);
  auto s = r.string();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->size(), 300u);
  EXPECT_EQ(r.string(), "");
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.int64().has_value());
}

TEST(RowBinary, BadLengthsAreErrors) {
  const std::string too_long = std::string("\x05", 1) + "abc";
  RowBinaryReader a(too_long);
  EXPECT_FALSE(a.string().has_value());
  const std::string endless(12, '\xff');
  RowBinaryReader b(endless);
  EXPECT_FALSE(b.string().has_value()) << "a varint past 64 bits";
  const std::string huge = std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9) + "x";
  RowBinaryReader c(huge);
  EXPECT_FALSE(c.string().has_value()) << "a length near 2^63 must not wrap";
}

}  // namespace
}  // namespace siphon::sink
