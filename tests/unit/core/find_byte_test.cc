// findByte: the same answer as std::string_view::find at every length and hit position, and
// no byte read outside the span (each span is an exact-size heap block: ASan's redzone
// follows it directly).

#include "core/find_byte.h"

#include <memory>
#include <string_view>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(FindByte, AgreesWithFindAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 70; ++n) {
    for (size_t hit = 0; hit <= n; ++hit) {  // hit == n: no hit at all
      auto block = std::make_unique<char[]>(n == 0 ? 1 : n);
      for (size_t i = 0; i < n; ++i) block[i] = static_cast<char>('a' + i % 26);
      if (hit < n) block[hit] = ':';
      const std::string_view span(block.get(), n);
      ASSERT_EQ(findByte(span.data(), span.size(), ':'), hit < n ? hit : n) << n << " " << hit;
      for (size_t from : {size_t{0}, size_t{1}, n / 2, n}) {
        ASSERT_EQ(findByte(span, ':', from), span.find(':', from))
            << n << " " << hit << " " << from;
      }
    }
  }
}

TEST(FindByte, FindsTheFirstOfSeveralAndHighBytes) {
  const std::string_view s = "INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\xff\xfe\r\n";
  EXPECT_EQ(findByte(s, '\n'), s.find('\n'));
  EXPECT_EQ(findByte(s, '\n', s.find('\n') + 1), s.find('\n', s.find('\n') + 1));
  EXPECT_EQ(findByte(s, '\xfe'), s.find('\xfe'));
  EXPECT_EQ(findByte(s, '#'), std::string_view::npos);
  EXPECT_EQ(findByte(s, '\n', s.size() + 3), std::string_view::npos);
}

}  // namespace
}  // namespace siphon::core
