#include "core/text_test.h"

#include "core/text_cursor.h"

namespace siphon::core {

bool TextTest::holds(const std::optional<std::string_view>& v) const {
  if (!v) return false;
  switch (op) {
    case Op::Present:
      return true;
    case Op::Equal:
      return *v == value;
    case Op::Regex:
      if (!v->starts_with(anchored_prefix)) return false;
      return std::regex_search(v->begin(), v->end(), re);
  }
  return false;
}

Result<NamedTextTest, std::string> parseNamedTextTest(std::string_view text) {
  NamedTextTest out;
  TextTest& test = out.test;
  const size_t at = text.find_first_of("=~");
  out.name = std::string(trimBlanks(text.substr(0, at)));
  if (out.name.empty()) return unexpected("'" + std::string(text) + "': empty name");
  if (at == std::string_view::npos) return out;
  test.value = std::string(text.substr(at + 1));
  if (text[at] == '=') {
    test.op = TextTest::Op::Equal;
    return out;
  }
  test.op = TextTest::Op::Regex;
  // "^abc" then anything: every match starts with "abc" (a quantifier would make the last
  // character optional, so it is left out of the prefix). An alternation anywhere may not
  // start with it: no prefix then.
  if (test.value.starts_with("^") && test.value.find('|') == std::string::npos) {
    static constexpr std::string_view kMeta = "\\^$.|?*+()[]{}";
    size_t i = 1;
    while (i < test.value.size() && kMeta.find(test.value[i]) == std::string_view::npos) ++i;
    size_t end = i;
    if (i < test.value.size() &&
        std::string_view("?*{").find(test.value[i]) != std::string_view::npos && end > 1)
      --end;
    test.anchored_prefix = test.value.substr(1, end - 1);
  }
  try {  // std::regex reports a bad pattern by exception: converted here, at start-up
    test.re = std::regex(test.value, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return unexpected("'" + test.value + "': bad regular expression: " + e.what());
  }
  return out;
}

}  // namespace siphon::core
