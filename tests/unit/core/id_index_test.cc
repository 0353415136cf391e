// IdIndex (core/id_index.h): the same map as HashIndex, with the full key confirmed through
// the caller's entries; keys that share their low 32 bits (the part a slot keeps) stay apart.

#include "core/id_index.h"

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

namespace siphon::core {
namespace {

// The caller's side: entries that keep their key, an id being the position.
struct Entries {
  std::vector<uint64_t> keys;
  IdIndex::Id add(uint64_t key) {
    keys.push_back(key);
    return static_cast<IdIndex::Id>(keys.size() - 1);
  }
  auto keyOf() const {
    return [this](IdIndex::Id id) { return keys.at(id); };
  }
};

TEST(IdIndex, FindsWhatWasInsertedAndRefusesADuplicate) {
  IdIndex index;
  Entries e;
  EXPECT_EQ(index.find(42, e.keyOf()), nullptr);
  EXPECT_TRUE(index.insert(42, e.add(42), e.keyOf()));
  EXPECT_FALSE(index.insert(42, e.add(42), e.keyOf()));
  ASSERT_NE(index.find(42, e.keyOf()), nullptr);
  EXPECT_EQ(*index.find(42, e.keyOf()), 0u);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.erase(42, e.keyOf()));
  EXPECT_FALSE(index.erase(42, e.keyOf()));
  EXPECT_EQ(index.find(42, e.keyOf()), nullptr);
  EXPECT_TRUE(index.empty());
  EXPECT_TRUE(index.insert(0, e.add(0), e.keyOf())) << "key 0 is a key like any other";
  EXPECT_NE(index.find(0, e.keyOf()), nullptr);
}

TEST(IdIndex, KeysWithTheSameLowBitsStayApart) {
  IdIndex index;
  Entries e;
  const uint64_t a = 0x1111'0000'0000'0007, b = 0x2222'0000'0000'0007;
  ASSERT_TRUE(index.insert(a, e.add(a), e.keyOf()));
  EXPECT_EQ(index.find(b, e.keyOf()), nullptr);
  ASSERT_TRUE(index.insert(b, e.add(b), e.keyOf()));
  EXPECT_EQ(*index.find(a, e.keyOf()), 0u);
  EXPECT_EQ(*index.find(b, e.keyOf()), 1u);
  EXPECT_TRUE(index.erase(a, e.keyOf()));
  EXPECT_EQ(index.find(a, e.keyOf()), nullptr);
  EXPECT_EQ(*index.find(b, e.keyOf()), 1u) << "the back shift kept b findable";
}

// The index against std::unordered_map under random inserts, erases and finds, through
// growth: keys from small ranges collide in their home slots, and half of them share their
// low 32 bits with another key.
TEST(IdIndex, AgreesWithUnorderedMapUnderRandomOperations) {
  std::mt19937_64 rng(20261207);
  for (const uint64_t range : {uint64_t{64}, uint64_t{5'000}, uint64_t{1} << 40}) {
    IdIndex index;
    Entries e;
    std::unordered_map<uint64_t, IdIndex::Id> reference;
    for (uint32_t op = 0; op < 200'000; ++op) {
      const uint64_t draw = rng() % range;
      const uint64_t low = static_cast<uint32_t>((draw / 2) * 0x9E3779B97F4A7C15ull);
      const uint64_t key = ((draw % 2 + 1) << 40) | low;
      switch (rng() % 3) {
        case 0: {
          const IdIndex::Id id = e.add(key);
          ASSERT_EQ(index.insert(key, id, e.keyOf()), reference.emplace(key, id).second);
          break;
        }
        case 1:
          ASSERT_EQ(index.erase(key, e.keyOf()), reference.erase(key) == 1);
          break;
        default: {
          const auto it = reference.find(key);
          const IdIndex::Id* found = index.find(key, e.keyOf());
          ASSERT_EQ(found != nullptr, it != reference.end());
          if (found != nullptr) {
            ASSERT_EQ(*found, it->second);
          }
        }
      }
      ASSERT_EQ(index.size(), reference.size());
    }
    for (const auto& [key, id] : reference) {
      ASSERT_NE(index.find(key, e.keyOf()), nullptr);
      EXPECT_EQ(*index.find(key, e.keyOf()), id);
    }
    EXPECT_LE(index.size() * 2, index.capacity()) << "the load stays at most 1/2";
  }
}

}  // namespace
}  // namespace siphon::core
