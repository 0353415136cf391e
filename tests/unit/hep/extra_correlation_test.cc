// Values of OpenSIPS's extra correlation chunk 0x0065 (hep/extra_correlation.h).

#include "hep/extra_correlation.h"

#include "core/byte_reader.h"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace siphon::hep {
namespace {

std::vector<std::string> values(std::string_view chunk) {
  std::array<std::string_view, kMaxExtraCorrelationValues> out;
  size_t n = extraCorrelationValues(chunk, out);
  return {out.begin(), out.begin() + static_cast<ptrdiff_t>(n)};
}

TEST(ExtraCorrelation, PrettyPrintedCjsonWithoutNet) {
  EXPECT_EQ(values("{\n\t\"net\":\t\"conn-7\",\n\t\"sip\":\t\"abc@host\"\n}"),
            std::vector<std::string>{"abc@host"});
}

TEST(ExtraCorrelation, CorrelateKeysNumbersAndEscapesKeptRaw) {
  EXPECT_EQ(values(R"({"dlg":"k1","q":42,"e":"a\"b","n":null})"),
            (std::vector<std::string>{"k1", "42", R"(a\"b)"}));
}

TEST(ExtraCorrelation, PlainTextIsOneId) { EXPECT_EQ(values("  id-1 \n"), std::vector<std::string>{"id-1"}); }

TEST(ExtraCorrelation, MalformedGivesWhatCameBefore) {
  EXPECT_EQ(values(R"({"a":"x","b":{"c":1},"d":"y"})"), std::vector<std::string>{"x"});
  EXPECT_EQ(values(R"({"a":"unterminated)"), std::vector<std::string>{});
  EXPECT_EQ(values("{}"), std::vector<std::string>{});
  EXPECT_EQ(values(""), std::vector<std::string>{});
  EXPECT_EQ(values(R"({"a":"x\)"), std::vector<std::string>{});
}

TEST(ExtraCorrelation, AtMostTheLimitPerRecord) {
  core::CaptureMeta meta;
  std::string a = R"({"a":"1","b":"2","c":"3"})", b = R"({"d":"4","e":"5"})";
  meta.other_chunks.push_back({0, 0x0065, core::asBytes(a)});
  meta.other_chunks.push_back({0, 0x0011, core::asBytes(b)});  // not 0x0065: ignored
  meta.other_chunks.push_back({0, 0x0065, core::asBytes(b)});
  std::array<std::string_view, 8> out;
  size_t n = extraCorrelationValues(meta, out);
  ASSERT_EQ(n, kMaxExtraCorrelationValues);
  EXPECT_EQ(out[3], "4");
}

}  // namespace
}  // namespace siphon::hep
