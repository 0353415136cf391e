#include "core/hash_index.h"

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

TEST(HashIndex, FindsWhatWasInsertedAndRefusesADuplicate) {
  HashIndex<int> index;
  EXPECT_EQ(index.find(42), nullptr);
  EXPECT_TRUE(index.insert(42, 7));
  EXPECT_FALSE(index.insert(42, 8));
  ASSERT_NE(index.find(42), nullptr);
  EXPECT_EQ(*index.find(42), 7);
  *index.find(42) = 9;
  EXPECT_EQ(*index.find(42), 9);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.erase(42));
  EXPECT_FALSE(index.erase(42));
  EXPECT_EQ(index.find(42), nullptr);
  EXPECT_TRUE(index.empty());
}

// Key 0 marks an empty slot, so it is stored as 1 and the two share an entry (hash_index.h).
TEST(HashIndex, KeyZeroIsKeyOne) {
  HashIndex<int> index;
  EXPECT_TRUE(index.insert(0, 5));
  ASSERT_NE(index.find(0), nullptr);
  EXPECT_EQ(*index.find(1), 5);
  EXPECT_FALSE(index.insert(1, 6));
  EXPECT_TRUE(index.erase(1));
  EXPECT_EQ(index.find(0), nullptr);
}

// Keys with one home slot form a run that wraps past the array's end; erasing from its middle
// must keep every later key findable (the back shift), and the slot after the run empty.
TEST(HashIndex, EraseInsideAWrappingRunKeepsTheRestFindable) {
  HashIndex<uint64_t> index;
  const size_t slots = index.capacity();
  std::vector<uint64_t> keys;
  for (uint64_t k = 0; k < slots / 2 - 1; ++k) keys.push_back((k << 32) | (slots - 2));
  for (uint64_t k : keys) ASSERT_TRUE(index.insert(k, k));
  ASSERT_EQ(index.capacity(), slots) << "the test needs the keys in one array";
  for (size_t gone = 0; gone < keys.size(); gone += 2) {
    ASSERT_TRUE(index.erase(keys[gone]));
    for (size_t i = 0; i < keys.size(); ++i) {
      const bool erased = i % 2 == 0 && i <= gone;
      ASSERT_EQ(index.find(keys[i]) == nullptr, erased) << "key " << i << " after erasing " << gone;
      if (!erased) {
        EXPECT_EQ(*index.find(keys[i]), keys[i]);
      }
    }
  }
}

// The index against std::unordered_map under random inserts, erases and finds, with keys drawn
// from a small range (so that they collide in their home slots and repeat) through growth.
TEST(HashIndex, AgreesWithUnorderedMapUnderRandomOperations) {
  std::mt19937_64 rng(20261206);
  for (const uint64_t range : {uint64_t{64}, uint64_t{5'000}, uint64_t{1} << 40}) {
    HashIndex<uint32_t> index;
    std::unordered_map<uint64_t, uint32_t> reference;
    for (uint32_t op = 0; op < 200'000; ++op) {
      // Keys are spread by a multiplier into the low bits the home slot uses, as hashes are.
      const uint64_t key = (rng() % range) * 0x9E3779B97F4A7C15ull | 1;
      switch (rng() % 3) {
        case 0:
          ASSERT_EQ(index.insert(key, op), reference.emplace(key, op).second);
          break;
        case 1:
          ASSERT_EQ(index.erase(key), reference.erase(key) == 1);
          break;
        default: {
          const auto it = reference.find(key);
          const uint32_t* found = index.find(key);
          ASSERT_EQ(found != nullptr, it != reference.end());
          if (found != nullptr) {
            ASSERT_EQ(*found, it->second);
          }
        }
      }
      ASSERT_EQ(index.size(), reference.size());
    }
    for (const auto& [key, value] : reference) {
      ASSERT_NE(index.find(key), nullptr);
      EXPECT_EQ(*index.find(key), value);
    }
    EXPECT_LE(index.size() * 2, index.capacity()) << "the load stays at most 1/2";
  }
}

TEST(HashIndex, ClearEmptiesAndKeepsTheArray) {
  HashIndex<int> index;
  for (uint64_t k = 1; k <= 100; ++k) index.insert(k * 0x9E3779B97F4A7C15ull, 1);
  const size_t capacity = index.capacity();
  index.clear();
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.capacity(), capacity);
  EXPECT_EQ(index.find(0x9E3779B97F4A7C15ull), nullptr);
  EXPECT_TRUE(index.insert(0x9E3779B97F4A7C15ull, 2));
  EXPECT_EQ(*index.find(0x9E3779B97F4A7C15ull), 2);
}

}  // namespace
}  // namespace siphon::core
