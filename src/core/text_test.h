#pragma once
// A text condition of a rule (docs/CLI.md: `header = "X-Trace"`, `"X-Trace=yes"`,
// `"X-Trace~^y"`, `chunk = "0x0011~^abc"`): a name, then nothing (the value is present), `=`
// and a value (equal), or `~` and an ECMAScript regular expression (searched). Routing and
// tracing rules share it.
//
// std::regex is slow even to say no, so a pattern anchored with `^` keeps its literal start,
// which a value must begin with before the regex runs.

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace siphon::core {

struct TextTest {
  enum class Op : uint8_t { Present, Equal, Regex };
  Op op = Op::Present;
  std::string value;
  std::regex re;
  std::string anchored_prefix;  ///< "^abc..." patterns: the literal text every match starts with

  [[nodiscard]] bool holds(const std::optional<std::string_view>& v) const;
};

/// A condition and the name before its operator ("X-Trace~^y": name "X-Trace"). The error
/// says what is wrong (an empty name, a bad regular expression).
struct NamedTextTest {
  std::string name;
  TextTest test;
};
[[nodiscard]] Result<NamedTextTest, std::string> parseNamedTextTest(std::string_view text);

}  // namespace siphon::core
