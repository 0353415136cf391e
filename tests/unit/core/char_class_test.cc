// CharClass: membership and firstIn, which stands in for find_first_of on hot paths; and the
// 16-byte block scan (core/block_scan.h) the SIP scanners build on.

#include "core/char_class.h"

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/block_scan.h"

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(CharClass, FirstInFindsWhatFindFirstOfFinds) {
  for (std::string_view s : {"", "1 INVITE", "1\tINVITE", "314159", "  x", "x  ", "\t"}) {
    EXPECT_EQ(chars::kWsp.firstIn(s), s.find_first_of(" \t")) << s;
  }
}

TEST(CharClass, HighBytesAreOrdinaryMembers) {
  constexpr CharClass high = CharClass::range(0x80, 0xff);
  EXPECT_TRUE(high.contains('\xe9'));
  EXPECT_FALSE(high.contains('e'));
  EXPECT_EQ(high.firstIn("caf\xc3\xa9"), 3u);
  static_assert(CharClass::of("-").firstIn("a-b") == 1);
}

TEST(CharClass, HostAndAddrSpecEndClasses) {
  EXPECT_EQ(chars::kHost.firstIn("proxy.example.com:5060"), 0u);
  EXPECT_EQ((~chars::kHost).firstIn("proxy.example.com:5060"), 17u);
  EXPECT_EQ((~chars::kIpv6).firstIn("2001:db8::1]:5060"), 11u);
  EXPECT_EQ(chars::kAddrSpecEnd.firstIn("sip:a@b;tag=1"), 7u);
}

#if defined(__SSE2__)
// Every view length up to 40 and every start, the stop byte at every place or nowhere, each
// view in a heap block of its exact size so that ASan sees a read outside it; and a stop byte
// before the start, which the overlapping last block reads and must not report.
TEST(BlockScan, FindsWhatAByteLoopFindsAndReadsOnlyTheView) {
  auto flags = [](__m128i v) {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(';'))));
  };
  for (size_t n = 0; n <= 40; ++n) {
    for (size_t stop = 0; stop <= n; ++stop) {  // stop == n: none
      std::string text(n, 'x');
      if (stop < n) text[stop] = ';';
      const auto exact = std::make_unique<char[]>(n);
      std::memcpy(exact.get(), text.data(), n);
      for (size_t from = 0; from <= n; ++from) {
        const auto got = block_scan::findFirst(exact.get(), from, n, flags);
        if (n < 16) {
          EXPECT_FALSE(got.has_value()) << n;
          continue;
        }
        const size_t want = stop >= from && stop < n ? stop : n;
        ASSERT_TRUE(got.has_value());
        EXPECT_EQ(*got, want) << "n=" << n << " stop=" << stop << " from=" << from;
      }
    }
  }
}
#endif

}  // namespace
}  // namespace siphon::core
