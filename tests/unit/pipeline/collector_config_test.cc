#include "pipeline/collector_config.h"

#include <gtest/gtest.h>

namespace siphon::pipeline {
namespace {

core::Result<CollectorConfig, core::Failure> fromText(const std::string& text) {
  auto file = core::ConfigFile::parse(text, "siphon.toml");
  if (!file.has_value()) return core::unexpected(std::move(file).error());
  auto c = defaultCollectorConfig();
  SIPHON_TRY(applyConfigFile(*file, c));
  return c;
}

TEST(CollectorConfig, DefaultsNeedNoFile) {
  auto c = defaultCollectorConfig();
  ASSERT_EQ(c.listen.size(), 2u);
  EXPECT_EQ(c.listen[0].toString(), "udp:0.0.0.0:9060");
  EXPECT_EQ(c.listen[1].toString(), "tcp:0.0.0.0:9060");
  EXPECT_EQ(c.db_url, "sqlite:siphon.db");
  EXPECT_TRUE(c.capture_on);
}

TEST(CollectorConfig, ReadsTheSeedParameters) {
  auto c = fromText(R"(
db_url = "sqlite:/tmp/x.db"
table_name = "sip_capture_a_%Y%m%d|sip_capture_b_%Y%m%d"
mt_mode = "hash"
hash_source = "from_user"
capture_on = 0
hep_capture_on = 1
capture_node = "edge-7"
insert_retries = 10
insert_retry_timeout = 30
callid_aleg_header = "X-CID0;X-CID1;"
max_async_queries = 2000
db_insert_mode = 2
capture_mode = ["cm1=>db_url=sqlite:/tmp/y.db;table_name=t1|t2;mt_mode=round_robin;hash_source=to_user"]
listen = ["udp:127.0.0.1:9061"]
store_cache_mb = 16
store_zstd_level = 3
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->db_url, "sqlite:/tmp/x.db");
  ASSERT_EQ(c->store.routing.tables.size(), 2u);
  EXPECT_EQ(c->store.routing.mt_mode, process::MtMode::Hash);
  EXPECT_EQ(c->store.routing.hash_source, process::HashSource::FromUser);
  EXPECT_FALSE(c->capture_on);
  EXPECT_EQ(c->store.row.capture_node, "edge-7");
  EXPECT_EQ(c->store.insert_retries, 10);
  EXPECT_EQ(c->store.insert_retry_timeout.count(), 30);
  EXPECT_EQ(c->store.row.fields.callid_aleg_headers, (std::vector<std::string>{"X-CID0", "X-CID1"}));
  EXPECT_EQ(c->store.batch_size, 2000u);
  ASSERT_EQ(c->capture_modes.size(), 1u);
  EXPECT_EQ(c->capture_modes[0].name, "cm1");
  EXPECT_EQ(c->capture_modes[0].routing.mt_mode, process::MtMode::RoundRobin);
  EXPECT_EQ(c->capture_modes[0].routing.hash_source, process::HashSource::ToUser);
  ASSERT_EQ(c->listen.size(), 1u);
  EXPECT_EQ(c->store.store.cache_mb, 16);
  EXPECT_EQ(c->store.store.zstd_level, 3);
}

TEST(CollectorConfig, BadKeysAndValuesNameTheKey) {
  struct Case {
    const char* text;
    const char* names;
  } cases[] = {
      {"insert_retries = 501\n", "insert_retries"},
      {"insert_retry_timeout = 301\n", "insert_retry_timeout"},
      {"mt_mode = \"sticky\"\n", "mt_mode"},
      {"hash_source = \"via\"\n", "hash_source"},
      {"db_url = \"oracle://x\"\n", "db_url"},
      {"capture_on = 3\n", "capture_on"},
      {"capture_mode = [\"broken\"]\n", "capture_mode"},
      {"capture_mode = [\"m=>table_name=t;mt_mode=rand\"]\n", "db_url is required"},
      {"listen = [\"udp:nowhere:1\"]\n", "listen"},
      {"tabel_name = \"x\"\n", "tabel_name"},
      {"raw_ipip_capture_on = 1\n", "raw_ipip_capture_on"},
      {"store_zstd_level = 20\n", "store_zstd_level"},
      {"store_zstd_level = 0\n", "store_zstd_level"},
  };
  for (const auto& c : cases) {
    auto r = fromText(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().exit_code, 2) << c.text;
  }
}

}  // namespace
}  // namespace siphon::pipeline
