#include "core/db_url.h"

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(DbUrl, SqliteKeepsThePathAsItIs) {
  auto u = DbUrl::parse("sqlite:/tmp/a b%20c.db");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->scheme, DbScheme::Sqlite);
  EXPECT_EQ(u->path, "/tmp/a b%20c.db");
}

TEST(DbUrl, SqliteWithoutPathIsRejected) {
  auto u = DbUrl::parse("sqlite:");
  ASSERT_FALSE(u.has_value());
  EXPECT_EQ(u.error().exit_code, 2);
  EXPECT_NE(u.error().message.find("db_url"), std::string::npos);
}

TEST(DbUrl, PostgresAllParts) {
  auto u = DbUrl::parse("postgres://homer:s3cret@db.example:6432/homer_data");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->scheme, DbScheme::Postgres);
  EXPECT_EQ(u->user, "homer");
  EXPECT_EQ(u->password, "s3cret");
  EXPECT_TRUE(u->has_password);
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 6432);
  EXPECT_EQ(u->database, "homer_data");
  EXPECT_TRUE(u->params.empty());
}

TEST(DbUrl, PostgresqlSpellingAndDefaults) {
  auto u = DbUrl::parse("postgresql://");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->scheme, DbScheme::Postgres);
  EXPECT_EQ(u->user, "");
  EXPECT_FALSE(u->has_password);
  EXPECT_EQ(u->host, "");
  EXPECT_EQ(u->port, 0);
  EXPECT_EQ(u->database, "");
}

TEST(DbUrl, PercentDecodesUserPasswordHostAndDatabase) {
  auto u = DbUrl::parse("postgres://us%65r:p%40ss%3Aw%2Fd@%2Ftmp%2Fpg:5433/my%20db");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "p@ss:w/d");
  EXPECT_EQ(u->host, "/tmp/pg");
  EXPECT_EQ(u->port, 5433);
  EXPECT_EQ(u->database, "my db");
}

TEST(DbUrl, UnescapedAtInPasswordEndsUserinfoAtTheLastAt) {
  auto u = DbUrl::parse("postgres://u:p@ss@h/d");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->host, "h");
}

TEST(DbUrl, EmptyPasswordIsKeptApartFromNone) {
  auto u = DbUrl::parse("postgres://u:@h/d");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->has_password);
  EXPECT_EQ(u->password, "");
}

TEST(DbUrl, BracketedIpv6Host) {
  auto u = DbUrl::parse("postgres://u@[::1]:5432/d");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 5432);
  EXPECT_EQ(u->redacted(), "postgres://u@[::1]:5432/d");
}

TEST(DbUrl, QueryParametersDecodedInOrder) {
  auto u = DbUrl::parse("postgres://h/d?sslmode=disable&host=%2Fvar%2Frun&connect_timeout=2");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  ASSERT_EQ(u->params.size(), 3u);
  EXPECT_EQ(u->params[0], (std::pair<std::string, std::string>{"sslmode", "disable"}));
  EXPECT_EQ(u->params[1], (std::pair<std::string, std::string>{"host", "/var/run"}));
  EXPECT_EQ(u->params[2].first, "connect_timeout");
}

TEST(DbUrl, OtherSchemesAreRecognised) {
  auto m = DbUrl::parse("mysql://u:p@h:3306/homer");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->scheme, DbScheme::Mysql);
  auto c = DbUrl::parse("clickhouse://h:9000/db");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->scheme, DbScheme::ClickHouse);
}

TEST(DbUrl, BadUrlsNameDbUrlAndHideThePassword) {
  for (const char* bad : {"oracle://x", "siphon.db", "postgres://u:topsecret@h:0/d",
                          "postgres://u:topsecret@h:99999/d", "postgres://u:topsecret@h:x/d",
                          "postgres://u:topsecret@h:/d", "postgres://u:top%zzsecret@h/d",
                          "postgres://u:topsecret@[::1/d", "postgres://h/d/e",
                          "postgres://h/d?novalue", "postgres://h/d%4"}) {
    auto u = DbUrl::parse(bad);
    ASSERT_FALSE(u.has_value()) << bad;
    EXPECT_EQ(u.error().exit_code, 2) << bad;
    EXPECT_TRUE(u.error().message.starts_with("db_url: ")) << u.error().message;
    EXPECT_EQ(u.error().message.find("topsecret"), std::string::npos) << u.error().message;
  }
}

TEST(DbUrl, RedactedHidesThePassword) {
  auto u = DbUrl::parse("postgres://homer:s3cret@db:5432/homer_data?sslmode=require");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->redacted(), "postgres://homer:***@db:5432/homer_data");
}

TEST(PercentDecode, RejectsTruncatedAndNonHexEscapes) {
  std::string out;
  EXPECT_TRUE(percentDecode("a%2Fb%2f", out));
  EXPECT_EQ(out, "a/b/");
  EXPECT_TRUE(percentDecode("a+b", out));
  EXPECT_EQ(out, "a+b");
  EXPECT_TRUE(percentDecode("%00", out));
  EXPECT_EQ(out, std::string(1, '\0'));
  EXPECT_FALSE(percentDecode("%", out));
  EXPECT_FALSE(percentDecode("%2", out));
  EXPECT_FALSE(percentDecode("%g0", out));
}

}  // namespace
}  // namespace siphon::core
