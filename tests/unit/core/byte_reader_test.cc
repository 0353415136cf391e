#include "core/byte_reader.h"

#include <array>
#include <limits>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

std::array<std::byte, 7> sample() {
  return {std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04},
          std::byte{0x05}, std::byte{0x06}, std::byte{0x07}};
}

TEST(ByteReader, ReadsBigAndLittleEndian) {
  auto b = sample();
  ByteReader r(b);
  EXPECT_EQ(r.readU16be(), 0x0102);
  EXPECT_EQ(r.readU32le(), 0x06050403u);
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_EQ(r.readU8(), 7);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.readU8().has_value());
}

TEST(ByteReader, ShortReadConsumesNothing) {
  auto b = sample();
  ByteReader r(std::span<const std::byte>(b).first(3));
  EXPECT_FALSE(r.readU32be().has_value());
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.take(4).has_value());
  EXPECT_EQ(r.take(3)->size(), 3u);
}

TEST(ByteReader, HugeLengthDoesNotWrap) {
  auto b = sample();
  ByteReader r(b);
  ASSERT_TRUE(r.skip(2));
  EXPECT_FALSE(r.take(std::numeric_limits<size_t>::max()).has_value());
  EXPECT_FALSE(r.skip(std::numeric_limits<size_t>::max() - 1));
  EXPECT_EQ(r.remaining(), 5u);
}

}  // namespace
}  // namespace siphon::core
