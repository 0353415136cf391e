#include "sip/header_values.h"

#include <gtest/gtest.h>

#include <vector>

namespace siphon::sip {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  HeaderValueSplitter sp(s);
  while (auto v = sp.next()) out.push_back(*v);
  return out;
}

TEST(HeaderValueSplitter, CommasInQuotesAndAnglesDoNotSplit) {
  auto v = split(R"("Doe, John \"jr, x\"" <sip:a@b;x=1,2>;p=1 , <sip:c@d>,sip:e@f)");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], R"("Doe, John \"jr, x\"" <sip:a@b;x=1,2>;p=1)");
  EXPECT_EQ(v[1], "<sip:c@d>");
  EXPECT_EQ(v[2], "sip:e@f");
}

TEST(HeaderValueSplitter, EmptyValuesAreReturned) {
  auto v = split(";;,;,,");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], ";;");
  EXPECT_EQ(v[3], "");
  EXPECT_EQ(split("").size(), 1u);
  EXPECT_EQ(split("\"unterminated, x").size(), 1u);
}

TEST(Params, FindWithLwsAndQuotes) {
  EXPECT_EQ(findParam(" ;   tag    = 1918181833n", "TAG"), "1918181833n");
  EXPECT_EQ(findParam(";lr;x=\"a;b\";tag=2", "tag"), "2");
  EXPECT_EQ(findParam(";lr;x=\"a;b\";tag=2", "x"), "\"a;b\"");
  EXPECT_EQ(findParam(";lr", "lr"), "");
  EXPECT_FALSE(findParam(";lr", "tag"));
  EXPECT_TRUE(paramsWellFormed(""));
  EXPECT_TRUE(paramsWellFormed(" ; a = b ;c"));
  EXPECT_FALSE(paramsWellFormed(";;"));
  EXPECT_FALSE(paramsWellFormed(";a="));
  EXPECT_FALSE(paramsWellFormed("x"));
  EXPECT_FALSE(paramsWellFormed(";a=\"open"));
  EXPECT_EQ(unquote("\"x\""), "x");
  EXPECT_EQ(unquote("x"), "x");
}

}  // namespace
}  // namespace siphon::sip
