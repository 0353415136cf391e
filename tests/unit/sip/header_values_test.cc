#include "sip/header_values.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// leadingParamValue answers only where ParamIterator's first parameter is `name` with a plain
// value, and then with the same view.
TEST(Params, LeadingParamValueAgreesWithTheIterator) {
  const std::pair<std::string_view, std::optional<std::string_view>> cases[] = {
      {";tag=abc", "abc"},          {";TAG=a1.b-c;x=y", "a1.b-c"}, {";tag=a b", "a"},
      {";tag=a,b", "a"},            {";tag=a\r\n ;x", "a"},        {";tag=[::1]:5", "[::1]:5"},
      {";tag=", std::nullopt},      {";tag=;x", std::nullopt},     {";tag=\"q\"", std::nullopt},
      {"; tag=a", std::nullopt},    {";tag =a", std::nullopt},     {";tag= a", std::nullopt},
      {";tags=a", std::nullopt},    {";ta=a", std::nullopt},       {";x=1;tag=a", std::nullopt},
      {"", std::nullopt},           {";", std::nullopt},           {"tag=a", std::nullopt},
  };
  for (const auto& [params, expected] : cases) {
    const auto fast = leadingParamValue(params, "tag");
    EXPECT_EQ(fast, expected) << params;
    if (!fast) continue;
    ParamIterator it(params);
    Param p;
    ASSERT_TRUE(it.next(p)) << params;
    EXPECT_EQ(p.name.size(), 3u) << params;
    EXPECT_EQ(p.value.data(), fast->data()) << params;
    EXPECT_EQ(p.value, *fast) << params;
  }
}

// A value ends at ';' ',' '"' or LWS, wherever it falls in the 16-byte blocks the scan tests at
// once; a control byte other than CR/LF/HTAB does not end it. Each list is an exact-size heap
// block, so ASan sees a read past its end.
TEST(Params, ValueEndsAtItsStopAtEveryLength) {
  for (size_t len = 1; len <= 50; ++len) {
    for (char stop : {';', ',', '"', ' ', '\t', '\r', '\n', '\0'}) {
      for (const bool with_stop : {false, true}) {
        std::string text = ";branch=";
        for (size_t i = 0; i < len; ++i)
          text += static_cast<char>(i == len / 2 ? '\x01' : 'a' + i % 26);
        const std::string value = text.substr(8);
        if (with_stop) text += stop;
        auto block = std::make_unique<char[]>(text.size());
        std::copy(text.begin(), text.end(), block.get());
        const std::string_view params(block.get(), text.size());
        const bool ends = stop != '\0';  // NUL is a control byte inside the value
        const auto found = leadingParamValue(params, "branch");
        ASSERT_TRUE(found.has_value()) << len << " " << int{stop};
        if (with_stop && !ends) {
          EXPECT_EQ(*found, value + '\0') << len;
        } else {
          EXPECT_EQ(*found, value) << len << " " << int{stop};
        }
      }
    }
  }
}

}  // namespace
}  // namespace siphon::sip
