#include "core/config_file.h"

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(ConfigFile, ReadsSeedStyleKeys) {
  auto cfg = ConfigFile::parse(
      "capture_on = 1\nhep_capture_on = true\ntable_name = \"sip_capture_%Y%m%d\"\n"
      "insert_retries = 5\ncapture_mode = [\"m1=>db_url=sqlite:a.db;table_name=t1\"]\n",
      "test.toml");
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(*cfg->getSwitch("capture_on").value(), true);
  EXPECT_EQ(*cfg->getSwitch("hep_capture_on").value(), true);
  EXPECT_EQ(*cfg->getString("table_name").value(), "sip_capture_%Y%m%d");
  EXPECT_EQ(*cfg->getInt("insert_retries", 0, 500).value(), 5);
  EXPECT_EQ(cfg->getStrings("capture_mode").value()->size(), 1u);
  EXPECT_FALSE(cfg->getString("db_url").value().has_value());
  EXPECT_TRUE(cfg->rejectUnknown().has_value());
}

TEST(ConfigFile, ErrorsNameTheKey) {
  auto cfg = ConfigFile::parse("insert_retries = 501\ncapture_on = 2\nmt_mode = 3\ntypo_key = 1\n",
                               "bad.toml");
  ASSERT_TRUE(cfg.has_value());
  auto retries = cfg->getInt("insert_retries", 0, 500);
  ASSERT_FALSE(retries.has_value());
  EXPECT_NE(retries.error().message.find("insert_retries"), std::string::npos);
  EXPECT_EQ(retries.error().exit_code, 2);
  auto on = cfg->getSwitch("capture_on");
  ASSERT_FALSE(on.has_value());
  EXPECT_NE(on.error().message.find("capture_on"), std::string::npos);
  EXPECT_FALSE(cfg->getString("mt_mode").has_value());
  auto unknown = cfg->rejectUnknown();
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("typo_key"), std::string::npos);
}

TEST(ConfigFile, SyntaxErrorNamesTheFile) {
  auto cfg = ConfigFile::parse("capture_on = = 1\n", "broken.toml");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().message.find("broken.toml"), std::string::npos);
  EXPECT_EQ(cfg.error().exit_code, 2);
  auto missing = ConfigFile::load("/nonexistent/siphon.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("/nonexistent/siphon.toml"), std::string::npos);
}

TEST(ConfigFile, TablesAreConfigFilesOfTheirOwnNamedByPosition) {
  auto cfg = ConfigFile::parse(
      "capture_on = 1\n[[route]]\nname = \"a\"\nreport = { table = \"t\" }\n[[route]]\ntypo = 1\n",
      "r.toml");
  ASSERT_TRUE(cfg.has_value());
  auto tables = cfg->getTables("route");
  ASSERT_TRUE(tables.has_value());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name(), "r.toml: route #1");
  EXPECT_EQ((*tables)[0].getString("name")->value(), "a");
  auto inner = (*tables)[0].getTable("report");
  ASSERT_TRUE(inner.has_value() && inner->has_value());
  EXPECT_EQ((**inner).getString("table")->value(), "t");
  EXPECT_TRUE((*tables)[0].rejectUnknown().has_value());
  auto unknown = (*tables)[1].rejectUnknown();
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("route #2"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("typo"), std::string::npos);
  EXPECT_TRUE(cfg->getTables("absent")->empty());
  EXPECT_FALSE(cfg->getTables("capture_on").has_value()) << "a number is not a list of tables";
  (void)cfg->getSwitch("capture_on");
  EXPECT_TRUE(cfg->rejectUnknown().has_value());
}

}  // namespace
}  // namespace siphon::core
