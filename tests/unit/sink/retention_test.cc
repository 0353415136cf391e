// How long each table keeps its messages (sink/retention.h): rules by table name or table_name
// pattern, the default, and the day a day table's name stands for.

#include "sink/retention.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace siphon::sink {
namespace {

TEST(Retention, FirstMatchingRuleThenTheDefault) {
  auto p = RetentionPolicy::parse(30, {"sip_capture_%Y%m%d=7", "rtcp_capture = 90", "logs_capture=0"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_TRUE(p->enabled());
  EXPECT_EQ(p->daysFor("sip_capture_20231114"), 7);
  EXPECT_EQ(p->daysFor("rtcp_capture"), 90);
  EXPECT_EQ(p->daysFor("logs_capture"), 0) << "kept forever";
  EXPECT_EQ(p->daysFor("sip_capture"), 30) << "not what the pattern makes";
  EXPECT_EQ(p->daysFor("sip_capture_2023111"), 30);
  EXPECT_FALSE(RetentionPolicy().enabled());
  EXPECT_FALSE(RetentionPolicy::parse(0, {"t=0"})->enabled());
}

TEST(Retention, DayTablesNameTheirDay) {
  auto p = RetentionPolicy::parse(10, {"sip_capture_%Y%m%d=7"});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->dayOf("sip_capture_20231114"), int64_t{1699920000}) << "2023-11-14 00:00:00 UTC";
  EXPECT_EQ(p->dayOf("sip_capture"), std::nullopt);
  const std::vector<std::string> written = {"sip_capture_call_%Y%m%d_%H", "other_%Y"};
  EXPECT_EQ(p->dayOf("sip_capture_call_20240229_13", written), int64_t{1709164800});
  EXPECT_EQ(p->dayOf("other_2024", written), std::nullopt) << "no day in the pattern";
  EXPECT_EQ(p->dayOf("sip_capture_20231399"), std::nullopt) << "not a date";
}

TEST(Retention, PatternsMatchWholeNames) {
  PatternDate d;
  EXPECT_TRUE(matchTablePattern("t_2023_11_14", "t_%Y_%m_%d", &d));
  EXPECT_EQ(d.year, 2023);
  EXPECT_EQ(d.month, 11);
  EXPECT_EQ(d.day, 14);
  EXPECT_TRUE(matchTablePattern("a%b", "a%%b"));
  EXPECT_FALSE(matchTablePattern("t_2023_11_14x", "t_%Y_%m_%d"));
  EXPECT_FALSE(matchTablePattern("t_2023_11", "t_%Y_%m_%d"));
  EXPECT_FALSE(matchTablePattern("t_20x3", "t_%Y"));
  EXPECT_FALSE(matchTablePattern("t_2023", "t_%Q")) << "a conversion no table name uses";
}

TEST(Retention, BadEntriesNameThemselves) {
  for (const char* bad : {"=7", "sip_capture", "sip_capture=", "sip_capture=-1", "t=36501", "t=7x"}) {
    auto p = RetentionPolicy::parse(0, {bad});
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_EQ(p.error().exit_code, 2);
    EXPECT_NE(p.error().message.find(bad), std::string::npos) << p.error().message;
  }
}

}  // namespace
}  // namespace siphon::sink
