#include "core/result.h"

#include <string>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

enum class TestErrc : uint8_t { Bad, Worse };
using TestError = ErrorOf<TestErrc>;

Result<int, TestError> half(int v) {
  if (v % 2 != 0) return unexpected(TestError{TestErrc::Bad, "odd"});
  return v / 2;
}

Result<int, TestError> quarter(int v) {
  SIPHON_ASSIGN_OR_RETURN(int h, half(v));
  SIPHON_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

Result<void, TestError> checkEven(int v) {
  SIPHON_TRY(half(v));
  return {};
}

TEST(Result, PropagatesValuesAndErrors) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, TestErrc::Bad);
  EXPECT_EQ(r.error().detail, "odd");
  EXPECT_TRUE(checkEven(4).has_value());
  EXPECT_FALSE(checkEven(5).has_value());
}

TEST(Result, HoldsMoveOnlyAndStrings) {
  Result<std::string, Failure> ok(std::string("x"));
  EXPECT_EQ(ok->size(), 1u);
  Result<std::string, Failure> bad = unexpected(Failure{"db_url: bad scheme", 2});
  EXPECT_EQ(bad.error().exit_code, 2);
}

}  // namespace
}  // namespace siphon::core
