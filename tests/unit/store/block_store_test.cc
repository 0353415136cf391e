#include "store/block_store.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/byte_reader.h"
#include "store/index_key.h"
#include "store/key_sort.h"
#include "store/key_table.h"
#include "support/fake_clock.h"

namespace siphon::store {
namespace {

class BlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  core::CaptureMeta record(int64_t ts_us, const std::string& payload) {
    core::CaptureMeta m;
    m.hep_version = 3;
    m.src_ip = *core::IpAddress::parse("127.0.0.1");
    m.dst_ip = *core::IpAddress::parse("127.0.0.2");
    m.ts_sec = static_cast<uint32_t>(ts_us / 1000000);
    m.ts_usec = static_cast<uint32_t>(ts_us % 1000000);
    m.payload = core::asBytes(payload);
    return m;
  }

  // `key` leads to exactly one block, and that block holds `payload`.
  static void expectOneBlockHolding(BlockStore& store, int64_t key, const std::string& payload) {
    auto blocks = store.blocksForKey(key, 0, 0);
    ASSERT_TRUE(blocks.has_value());
    ASSERT_EQ(blocks->size(), 1u) << payload;
    auto b = store.loadBlock(blocks->front());
    ASSERT_TRUE(b.has_value()) << b.error().message;
    bool found = false;
    for (const auto& r : b->records) found = found || core::asText(r.payload) == payload;
    EXPECT_TRUE(found) << payload;
  }

  // How often each payload is stored in the blocks of [since, until]; each block holds at most
  // `max_block_records` records.
  static void countPayloads(BlockStore& store, int64_t since, int64_t until,
                            size_t max_block_records, std::map<std::string, int>& seen) {
    auto all = store.blocksInRange(since, until);
    ASSERT_TRUE(all.has_value());
    for (const auto& info : *all) {
      auto b = store.loadBlock(info.id);
      ASSERT_TRUE(b.has_value()) << b.error().message;
      EXPECT_LE(b->records.size(), max_block_records);
      for (const auto& r : b->records) ++seen[std::string(core::asText(r.payload))];
    }
  }

  // Runs `sql` on a connection of its own, as another process would beside the store (a
  // trigger that makes the store's next write fail, a checkpoint).
  void execBeside(const char* sql) {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    const int rc = sqlite3_exec(other, sql, nullptr, nullptr, nullptr);
    const std::string error = sqlite3_errmsg(other);
    sqlite3_close(other);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << error;
  }

  // The single integer `sql` selects, on a connection of its own.
  int64_t countBeside(const char* sql) {
    sqlite3* other = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2(other, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    EXPECT_NE(n, -1) << sql << ": " << sqlite3_errmsg(other);
    sqlite3_finalize(st);
    sqlite3_close(other);
    return n;
  }

  // `size` random bytes: zstd cannot shrink them, so a block of them is that large on disk.
  static std::string randomPayload(std::mt19937_64& random, size_t size) {
    std::string payload(size, '\0');
    for (char& c : payload) c = static_cast<char>(random());
    return payload;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(BlockStoreTest, FindsRecordsByKeyAcrossSealedAndOpenBlocks) {
  StoreOptions opt;
  opt.block_records = 3;
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  std::vector<std::string> payloads;
  for (int i = 0; i < 8; ++i) payloads.push_back("MSG " + std::to_string(i));
  const int64_t t0 = int64_t{1700000000} * 1000000;
  for (int i = 0; i < 8; ++i) {
    int64_t keys[] = {indexKey(KeyKind::CallId, i % 2 ? "odd" : "even")};
    (*store)->add("sip_capture", record(t0 + i, payloads[i]), "node", keys);
  }
  auto n = (*store)->flush();
  ASSERT_TRUE(n.has_value()) << n.error().message;
  EXPECT_EQ(*n, 8u);

  auto blocks = (*store)->blocksForKey(indexKey(KeyKind::CallId, "odd"), 0, 0);
  ASSERT_TRUE(blocks.has_value());
  size_t odd = 0;
  for (int64_t id : *blocks) {
    auto b = (*store)->loadBlock(id);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    for (const auto& r : b->records) {
      std::string text(core::asText(r.payload));
      int i = text.back() - '0';
      if (i % 2) ++odd;
    }
  }
  EXPECT_EQ(odd, 4u);
  EXPECT_TRUE((*store)->blocksForKey(indexKey(KeyKind::CallId, "none"), 0, 0)->empty());
  auto range = (*store)->blocksInRange(t0 + 7, t0 + 7);
  ASSERT_TRUE(range.has_value());
  ASSERT_EQ(range->size(), 1u);
  EXPECT_EQ((*range)[0].count, 2);  // the open block: records 6 and 7
}

TEST_F(BlockStoreTest, OpenBlockIsRewrittenAndSurvivesReopen) {
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::string a = "first", b = "second";
  {
    StoreOptions opt;
    opt.open_block_write_interval = std::chrono::milliseconds(0);  // rewrite at every flush
    auto store = BlockStore::open(path_, opt);
    ASSERT_TRUE(store.has_value());
    int64_t k[] = {indexKey(KeyKind::User, "alice")};
    (*store)->add("sip_capture", record(t0, a), "node", k);
    ASSERT_TRUE((*store)->flush().has_value());
    (*store)->add("sip_capture", record(t0 + 1, b), "node", k);
    ASSERT_TRUE((*store)->flush().has_value());
    auto s = (*store)->stats();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->blocks, 1);
    EXPECT_EQ(s->records, 2);
  }
  auto ro = BlockStore::open(path_, {}, /*read_only=*/true);
  ASSERT_TRUE(ro.has_value()) << ro.error().message;
  auto blocks = (*ro)->blocksForKey(indexKey(KeyKind::User, "alice"), t0, t0 + 10);
  ASSERT_TRUE(blocks.has_value());
  ASSERT_EQ(blocks->size(), 1u);
  auto loaded = (*ro)->loadBlock((*blocks)[0]);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->records.size(), 2u);
  EXPECT_EQ(core::asText(loaded->records[1].payload), "second");
}

TEST_F(BlockStoreTest, OpenBlockWaitsForItsWriteIntervalUnlessForced) {
  StoreOptions opt;
  opt.open_block_write_interval = std::chrono::hours(1);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value());
  std::string p = "x";
  int64_t k[] = {indexKey(KeyKind::CallId, "c")};
  (*store)->add("sip_capture", record(int64_t{1700000000} * 1000000, p), "node", k);
  (*store)->add("sip_capture", record(int64_t{1700000000} * 1000000 + 1, p), "node", k);
  auto early = (*store)->flush();  // the open block is not due yet
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(*early, 0u);
  EXPECT_EQ((*store)->pendingRecords(), 2u);
  auto forced = (*store)->flush(/*force=*/true);
  ASSERT_TRUE(forced.has_value());
  EXPECT_EQ(*forced, 2u);
  EXPECT_EQ((*store)->pendingRecords(), 0u);
}

TEST_F(BlockStoreTest, ReadOnlyOpenOfMissingFileIsAClearError) {
  auto r = BlockStore::open((dir_ / "missing.db").string(), {}, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("missing.db"), std::string::npos);
}

TEST_F(BlockStoreTest, BucketRollKeepsKeysFindableInTheNewBucketRange) {
  StoreOptions opt;
  opt.bucket_keys = 1;  // every flush starts a new bucket
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value());
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::string p1 = "one", p2 = "two";
  int64_t k[] = {indexKey(KeyKind::CallId, "c1")};
  (*store)->add("sip_capture", record(t0, p1), "node", k);
  ASSERT_TRUE((*store)->flush().has_value());
  (*store)->add("sip_capture", record(t0 + 5000000, p2), "node", k);
  ASSERT_TRUE((*store)->flush().has_value());
  auto blocks = (*store)->blocksForKey(k[0], t0 + 4000000, t0 + 6000000);
  ASSERT_TRUE(blocks.has_value());
  EXPECT_EQ(blocks->size(), 1u);
}

// Both layouts of the key table (key_table.h): a new store takes the packed one; a store made
// before keeps (bucket, hash, block), and the writer and readers follow it. In each, keys of
// either sign lead to their block across bucket rolls, and retention drops a removed bucket's
// key rows and only those.
TEST_F(BlockStoreTest, EachKeyLayoutFindsItsKeysAndDropsThemWithTheirBucket) {
  for (const bool made_before : {false, true}) {
    SCOPED_TRACE(made_before ? "bucket, hash, block" : "packed");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (made_before) {
      execBeside(
          "CREATE TABLE keys (bucket INTEGER NOT NULL, hash INTEGER NOT NULL, block INTEGER NOT "
          "NULL, PRIMARY KEY (bucket, hash, block)) WITHOUT ROWID");
    }
    StoreOptions opt;
    opt.block_records = 1;  // a block per record: each key leads to one block
    opt.bucket_keys = 4;    // a new bucket every 4 keys
    const int64_t day = int64_t{86400} * 1'000'000;
    const int64_t t0 = int64_t{1700000000} * 1'000'000;
    std::vector<std::pair<int64_t, std::string>> old_keys, new_keys;
    {
      auto store = BlockStore::open(path_, opt);
      ASSERT_TRUE(store.has_value()) << store.error().message;
      int signs[2] = {0, 0};
      for (int i = 0; i < 24; ++i) {
        const bool old = i < 12;
        const std::string payload = "record " + std::to_string(i);
        int64_t key[] = {indexKey(KeyKind::CallId, payload)};
        ++signs[key[0] < 0];
        (old ? old_keys : new_keys).emplace_back(key[0], payload);
        (*store)->add("sip_capture", record(t0 + (old ? 0 : 5 * day) + i, payload), "n", key);
        ASSERT_TRUE((*store)->flush(true).has_value());
      }
      ASSERT_GT(signs[0], 0);
      ASSERT_GT(signs[1], 0) << "keys of both signs";
      for (const auto& [key, payload] : old_keys) expectOneBlockHolding(**store, key, payload);
      for (const auto& [key, payload] : new_keys) expectOneBlockHolding(**store, key, payload);
      EXPECT_EQ(countBeside("SELECT count(*) FROM keys"), 24);

      auto r = (*store)->expire([&](std::string_view) { return t0 + 3 * day; }, 0);
      ASSERT_TRUE(r.has_value()) << r.error().message;
      EXPECT_EQ(r->records, 12u);
      EXPECT_GE(r->buckets, 2u);
      // The bucket taking keys stays (expire()); its range holds new keys only.
      EXPECT_EQ(countBeside("SELECT count(*) FROM keys"), 12) << "the old buckets' rows went";
      for (const auto& [key, payload] : old_keys) {
        auto blocks = (*store)->blocksForKey(key, 0, 0);
        ASSERT_TRUE(blocks.has_value());
        EXPECT_TRUE(blocks->empty()) << payload;
      }
    }
    EXPECT_EQ(countBeside("SELECT count(*) FROM pragma_table_info('keys') WHERE name = 'hash'"),
              made_before ? 1 : 0);
    auto reader = BlockStore::open(path_, opt, /*read_only=*/true);
    ASSERT_TRUE(reader.has_value()) << reader.error().message;
    for (const auto& [key, payload] : new_keys) expectOneBlockHolding(**reader, key, payload);
  }
}

// A packed key keeps a hash's high 32 bits: two keys of one bucket that share them lead to
// both their blocks (a search re-checks every record of a candidate block); keys that differ
// there do not meet, negative or not.
TEST_F(BlockStoreTest, PackedKeysSharingTheirHigh32BitsLeadToBothBlocks) {
  StoreOptions opt;
  opt.block_records = 1;
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1'000'000;
  for (const int64_t high : {int64_t{0x12345678}, int64_t{-0x12345678}}) {
    const int64_t a = high * (int64_t{1} << 32) + 1, b = high * (int64_t{1} << 32) + 2;
    const int64_t apart = (high + 1) * (int64_t{1} << 32) + 1;
    int64_t ka[] = {a}, kb[] = {b};
    (*store)->add("sip_capture", record(t0, "a"), "n", ka);
    (*store)->add("sip_capture", record(t0 + 1, "b"), "n", kb);
    ASSERT_TRUE((*store)->flush(true).has_value());
    auto both = (*store)->blocksForKey(a, 0, 0);
    ASSERT_TRUE(both.has_value());
    EXPECT_EQ(both->size(), 2u);
    EXPECT_EQ((*store)->blocksForKey(b, 0, 0).value(), *both);
    EXPECT_TRUE((*store)->blocksForKey(apart, 0, 0).value().empty());
  }
}

TEST(KeyTable, PackedKeysOrderByBucketThenUnsignedHash) {
  EXPECT_EQ(packedKey(1, 0), int64_t{1} << 32);
  EXPECT_EQ(packedKey(1, -1), (int64_t{2} << 32) - 1);
  EXPECT_LT(packedKey(1, INT64_MAX), packedKey(1, INT64_MIN)) << "negative hashes: upper half";
  EXPECT_LT(packedKey(1, -1), packedKey(2, 0));
  EXPECT_GT(packedKey(kMaxPackedBucket, -1), 0) << "positive up to the last bucket";
}

// Retention in the embedded store: per table by age, then a disk budget, oldest blocks first;
// open blocks stay; buckets whose keys can only lead to removed blocks go; a removed block reads
// as empty for the readers that still hold its id.
TEST_F(BlockStoreTest, ExpireRemovesOldBlocksPerTableThenToABudget) {
  StoreOptions opt;
  opt.block_records = 10;
  opt.bucket_keys = 40;  // several buckets
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t day = int64_t{86400} * 1'000'000;
  const int64_t t0 = int64_t{1700000000} * 1'000'000;
  std::vector<std::string> payloads;
  for (int i = 0; i < 400; ++i) payloads.push_back("MESSAGE " + std::to_string(i) + std::string(200, 'x'));
  // 10 days of sip_capture and of rtcp_capture, 20 records a day each.
  for (int i = 0; i < 200; ++i) {
    const int64_t ts = t0 + (i / 20) * day + i;
    int64_t keys[] = {indexKey(KeyKind::CallId, "call-" + std::to_string(i / 20))};
    (*store)->add("sip_capture", record(ts, payloads[i]), "n", keys);
    (*store)->add("rtcp_capture", record(ts, payloads[200 + i]), "n", keys);
  }
  ASSERT_TRUE((*store)->flush(true).has_value());
  (*store)->add("sip_capture", record(t0 + 11 * day, payloads[0]), "n", {});  // an open block
  ASSERT_TRUE((*store)->flush(true).has_value());
  auto before = (*store)->stats();
  ASSERT_TRUE(before.has_value());

  // sip_capture keeps 3 days before "now" (day 10), rtcp_capture everything.
  const int64_t now = t0 + 10 * day;
  auto r = (*store)->expire(
      [&](std::string_view table) { return table == "sip_capture" ? now - 3 * day : 0; }, 0);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->records, 140u) << "days 0-6 of sip_capture";
  EXPECT_EQ(r->blocks, 14u);
  auto left = (*store)->blocksInRange(0, 0);
  ASSERT_TRUE(left.has_value());
  size_t sip = 0, rtcp = 0;
  for (const auto& b : *left) {
    (b.table == "sip_capture" ? sip : rtcp) += static_cast<size_t>(b.count);
    if (b.table == "sip_capture") {
      EXPECT_GE(b.max_ts, now - 3 * day);
    }
  }
  EXPECT_EQ(sip, 61u) << "days 7-9 and the open block";
  EXPECT_EQ(rtcp, 200u);
  // Keys of removed blocks may remain in shared buckets: their blocks read as empty.
  auto ids = (*store)->blocksForKey(indexKey(KeyKind::CallId, "call-0"), 0, 0);
  ASSERT_TRUE(ids.has_value());
  for (int64_t id : *ids) {
    auto b = (*store)->loadBlock(id);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    if (b->info.table == "sip_capture") {  // rtcp_capture's record of t0 stays
      for (const auto& m : b->records) EXPECT_NE(m.microsSinceEpoch(), t0);
    }
  }

  // A budget of half the used bytes: the oldest blocks go, whatever their table; never the
  // open one.
  auto used = (*store)->usedBytes();
  ASSERT_TRUE(used.has_value());
  auto budget = (*store)->expire([](std::string_view) { return int64_t{0}; }, *used / 2);
  ASSERT_TRUE(budget.has_value()) << budget.error().message;
  EXPECT_GT(budget->blocks, 0u);
  auto after = (*store)->blocksInRange(0, 0);
  ASSERT_TRUE(after.has_value());
  int64_t oldest = INT64_MAX;
  bool open_kept = false;
  for (const auto& b : *after) {
    oldest = std::min(oldest, b.min_ts);
    open_kept = open_kept || b.max_ts == t0 + 11 * day;
  }
  EXPECT_TRUE(open_kept);
  EXPECT_GT(oldest, t0 + 2 * day) << "the oldest went first";
  auto now_used = (*store)->usedBytes();
  ASSERT_TRUE(now_used.has_value());
  EXPECT_LT(*now_used, *used);
  EXPECT_GT(budget->buckets + r->buckets, 0u) << "buckets of removed blocks only are gone";
}

// Blocks opened after a flush reuse the buffers of blocks written before (block_store.h,
// SpareBuffers): each record is still in exactly one block, and each key leads to its record.
TEST_F(BlockStoreTest, BlocksOnReusedBuffersHoldOnlyTheirOwnRecordsAndKeys) {
  StoreOptions opt;
  opt.block_records = 3;
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  constexpr int kRecords = 40;
  std::vector<std::string> payloads;
  for (int i = 0; i < kRecords; ++i) payloads.push_back("MSG " + std::to_string(i));
  for (int i = 0; i < kRecords; ++i) {
    int64_t keys[] = {indexKey(KeyKind::CallId, "call-" + std::to_string(i))};
    (*store)->add("sip_capture", record(t0 + i, payloads[i]), "node", keys);
    if (i % 7 == 6) {
      ASSERT_TRUE((*store)->flush().has_value());
    }
  }
  ASSERT_TRUE((*store)->flush(true).has_value());
  for (int i = 0; i < kRecords; ++i) {
    expectOneBlockHolding(**store, indexKey(KeyKind::CallId, "call-" + std::to_string(i)),
                          payloads[i]);
  }
  std::map<std::string, int> seen;
  countPayloads(**store, t0, t0 + kRecords, 3, seen);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRecords));
  for (const auto& [payload, n] : seen) EXPECT_EQ(n, 1) << payload;
}

// A block's keys go in by statements of 64, 8 and 1 rows: every count of keys around those
// widths, each key found in its block and no key invented. The store counts them in its
// bucket (stats().keys).
TEST_F(BlockStoreTest, EveryKeyOfABlockIsWrittenWhateverTheirCount) {
  StoreOptions opt;
  opt.block_records = 1;  // one record per block: its keys are the block's
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  const std::string payload = "MSG";
  int64_t written = 0;
  for (size_t count : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 72u, 73u, 150u}) {
    std::vector<int64_t> keys;
    for (size_t k = 0; k < count; ++k) {
      keys.push_back(indexKey(KeyKind::User, std::to_string(count) + "-" + std::to_string(k)));
    }
    (*store)->add("sip_capture", record(t0 + static_cast<int64_t>(count), payload), "node", keys);
    ASSERT_TRUE((*store)->flush(true).has_value());
    written += static_cast<int64_t>(count);
    const int64_t ts = t0 + static_cast<int64_t>(count);
    auto in_range = (*store)->blocksInRange(ts, ts);
    ASSERT_TRUE(in_range.has_value());
    ASSERT_EQ(in_range->size(), 1u);
    for (int64_t key : keys) {
      auto blocks = (*store)->blocksForKey(key, 0, 0);
      ASSERT_TRUE(blocks.has_value());
      ASSERT_EQ(*blocks, std::vector<int64_t>{in_range->front().id}) << count << " keys";
    }
  }
  EXPECT_TRUE((*store)->blocksForKey(indexKey(KeyKind::User, "150-150"), 0, 0)->empty());
  auto stats = (*store)->stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->keys, written);
}

// A block pends a key its records repeat once (BlockStore::OpenBlock::recent_keys); whatever
// the keys' order, their slots' collisions and the flushes between, each key leads to its block.
TEST_F(BlockStoreTest, RepeatedKeysOfABlockLeadToItOnce) {
  StoreOptions opt;
  opt.block_records = 1000;
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::vector<int64_t> keys;
  for (int k = 0; k < 600; ++k) keys.push_back(indexKey(KeyKind::User, "u" + std::to_string(k)));
  std::mt19937 random(5);
  // 0, the empty slot's value, is a key like any other: the first record's only one.
  (*store)->add("sip_capture", record(t0 - 1, "MSG"), "node", std::vector<int64_t>{0});
  for (int i = 0; i < 900; ++i) {  // about 1.5 records per key, in random order, in one block
    int64_t some[] = {keys[random() % keys.size()], keys[random() % keys.size()],
                      keys[i % keys.size()]};
    (*store)->add("sip_capture", record(t0 + i, "MSG"), "node", some);
    if (i % 97 == 0) {
      ASSERT_TRUE((*store)->flush().has_value());  // some written, some pending
    }
  }
  ASSERT_TRUE((*store)->flush(true).has_value());
  auto in_range = (*store)->blocksInRange(0, 0);
  ASSERT_TRUE(in_range.has_value());
  ASSERT_EQ(in_range->size(), 1u);
  keys.push_back(0);
  for (int64_t key : keys) {
    auto blocks = (*store)->blocksForKey(key, 0, 0);
    ASSERT_TRUE(blocks.has_value());
    EXPECT_EQ(*blocks, std::vector<int64_t>{in_range->front().id}) << key;
  }
  auto stats = (*store)->stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->keys, static_cast<int64_t>(keys.size())) << "each key once";
}

// wal_checkpoint_pages sets when the WAL is copied back: with SQLite's 1,000 pages the WAL file
// never grows much past 4 MB; with 4,096 it holds 12 MB of blocks without a checkpoint.
TEST_F(BlockStoreTest, TheWalHoldsWalCheckpointPagesBeforeACheckpoint) {
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::mt19937_64 random(7);
  auto walBytesAfter12Mb = [&](int pages) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    StoreOptions opt;
    opt.wal_checkpoint_pages = pages;
    opt.block_records = 1;  // each record its own block, written once
    auto store = BlockStore::open(path_, opt);
    EXPECT_TRUE(store.has_value());
    if (!store.has_value()) return uintmax_t{0};
    for (int i = 0; i < 12 * 16; ++i) {  // 12 MB
      (*store)->add("sip_capture", record(t0 + i, randomPayload(random, 64 * 1024)), "node", {});
      EXPECT_TRUE((*store)->flush(true).has_value());
    }
    return std::filesystem::file_size(path_ + "-wal");
  };
  EXPECT_LT(walBytesAfter12Mb(1000), uintmax_t{6} << 20);
  EXPECT_GT(walBytesAfter12Mb(4096), uintmax_t{12} << 20);
}

// A write that fails rolls its transaction back; the records and keys it held are written by
// the next flush, as if the failed one had not happened (insert_retries retries flush()).
// The failure: a trigger, created through a second connection, that aborts key inserts.
TEST_F(BlockStoreTest, AFlushAfterARolledBackOneWritesEverything) {
  StoreOptions opt;
  opt.block_records = 4;
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  opt.stats_write_interval = std::chrono::milliseconds(0);  // every flush writes them
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::vector<std::string> payloads;
  for (int i = 0; i < 70; ++i) payloads.push_back("MSG " + std::to_string(i));
  auto key = [](int i) { return indexKey(KeyKind::CallId, "call-" + std::to_string(i)); };
  auto add = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      int64_t keys[] = {key(i), indexKey(KeyKind::User, "u" + std::to_string(i))};
      (*store)->add("sip_capture", record(t0 + i, payloads[static_cast<size_t>(i)]), "node", keys);
      (*store)->addStats(StatsDim::Total, t0 + i, {});
    }
  };
  add(0, 6);  // one sealed block, one open block of 2
  ASSERT_TRUE((*store)->flush(true).has_value());

  execBeside(
      "CREATE TRIGGER fail_keys BEFORE INSERT ON keys BEGIN SELECT RAISE(ABORT, 'test'); END");
  add(6, 70);  // fills the open block (rewritten), seals 15 more, opens one
  EXPECT_FALSE((*store)->flush(true).has_value()) << "the trigger aborts the transaction";
  execBeside("DROP TRIGGER fail_keys");
  ASSERT_TRUE((*store)->flush(true).has_value());

  for (int i = 0; i < 70; ++i) expectOneBlockHolding(**store, key(i), payloads[i]);
  std::map<std::string, int> seen;
  countPayloads(**store, t0, t0 + 70, opt.block_records, seen);
  EXPECT_EQ(seen.size(), 70u);
  for (const auto& [payload, n] : seen) EXPECT_EQ(n, 1) << payload;
  auto stats = (*store)->stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->records, 70);
  EXPECT_EQ(stats->keys, 140);
  // The statistics the rolled-back flush had taken are written by the next one.
  const int64_t minute = t0 / 1'000'000;
  auto totals = (*store)->statsSeries(StatsDim::Total, minute - 3600, minute + 3600, 3600);
  ASSERT_TRUE(totals.has_value());
  int64_t counted = 0;
  for (const auto& r : *totals) counted += r.count;
  EXPECT_EQ(counted, 70);
}

// Readers map the file (block_store.cc). Retention then shrinks it under them: the removed
// blocks' pages go back to the file system at the checkpoint. A reader that mapped the larger
// file still reads what remains, and the removed blocks as empty, without touching pages past
// the file's new end.
TEST_F(BlockStoreTest, AMappedReaderReadsOnAfterRetentionShrinksTheFile) {
  StoreOptions opt;
  opt.block_records = 1;
  auto writer = BlockStore::open(path_, opt);
  ASSERT_TRUE(writer.has_value()) << writer.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  std::mt19937_64 random(11);
  for (int i = 0; i < 200; ++i) {  // each block about 32 KB on disk
    int64_t keys[] = {indexKey(KeyKind::CallId, "call-" + std::to_string(i))};
    (*writer)->add("sip_capture", record(t0 + i, randomPayload(random, 32 * 1024)), "node", keys);
  }
  ASSERT_TRUE((*writer)->flush(true).has_value());
  execBeside("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto full_size = std::filesystem::file_size(path_);

  auto reader = BlockStore::open(path_, opt, /*read_only=*/true);
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  auto all = (*reader)->blocksInRange(0, 0);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 200u);
  for (const auto& b : *all) ASSERT_TRUE((*reader)->loadBlock(b.id).has_value());  // all mapped

  // Everything but the last 20 blocks goes; the file shrinks.
  auto gone = (*writer)->expire([&](std::string_view) { return t0 + 180; }, 0);
  ASSERT_TRUE(gone.has_value()) << gone.error().message;
  EXPECT_EQ(gone->blocks, 180u);
  execBeside("PRAGMA wal_checkpoint(TRUNCATE)");
  EXPECT_LT(std::filesystem::file_size(path_), full_size / 2);

  size_t records = 0;
  for (const auto& b : *all) {
    auto loaded = (*reader)->loadBlock(b.id);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    records += loaded->records.size();
  }
  EXPECT_EQ(records, 20u) << "the removed blocks read as empty";
  auto left = (*reader)->blocksForKey(indexKey(KeyKind::CallId, "call-199"), 0, 0);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->size(), 1u);
}

// Statistics wait for their interval, but those of a rolled-back flush are due again at once:
// the next flush writes them, not one a whole interval later.
TEST_F(BlockStoreTest, StatisticsOfARolledBackFlushAreWrittenByTheNextOne) {
  support::FakeClock clock;
  StoreOptions opt;
  opt.clock = &clock;
  opt.block_records = 1;  // each record sealed: every flush writes
  opt.stats_write_interval = std::chrono::hours(1);
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const int64_t t0 = int64_t{1700000000} * 1000000;
  (*store)->add("sip_capture", record(t0, "A"), "node", {});
  (*store)->addStats(StatsDim::Total, t0, {});
  clock.advance(std::chrono::hours(2));  // the statistics are due

  execBeside(
      "CREATE TRIGGER fail_bucket BEFORE UPDATE ON buckets BEGIN SELECT RAISE(ABORT, 'test'); END");
  // The bucket's update comes after the statistics: they were written, then rolled back.
  EXPECT_FALSE((*store)->flush().has_value()) << "the trigger aborts the transaction";
  execBeside("DROP TRIGGER fail_bucket");
  ASSERT_TRUE((*store)->flush().has_value());  // same time: within the interval, not forced

  const int64_t minute = t0 / 1'000'000;
  auto totals = (*store)->statsSeries(StatsDim::Total, minute - 3600, minute + 3600, 3600);
  ASSERT_TRUE(totals.has_value());
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ(totals->front().count, 1);
}

TEST(KeySort, SortsLikeStdSortInSignedOrder) {
  std::mt19937_64 rng(42);
  for (size_t n : {0, 1, 2, 255, 256, 257, 5000, 20000}) {
    std::vector<int64_t> keys(n);
    for (auto& k : keys) k = static_cast<int64_t>(rng());
    if (n > 10) {  // extremes and duplicates
      keys[0] = INT64_MIN;
      keys[1] = INT64_MAX;
      keys[2] = -1;
      keys[3] = 0;
      keys[4] = keys[5];
    }
    auto expected = keys;
    std::sort(expected.begin(), expected.end());
    sortKeys(keys);
    EXPECT_EQ(keys, expected) << n << " keys";
  }
  // Keys that share every high digit (the skipped passes) and small ones.
  std::vector<int64_t> low(3000);
  for (size_t i = 0; i < low.size(); ++i) low[i] = static_cast<int64_t>((i * 7919) % 1000) - 500;
  auto expected = low;
  std::sort(expected.begin(), expected.end());
  sortKeys(low);
  EXPECT_EQ(low, expected);
}

// One sorter reused, as a store reuses it block after block: sizes up and down, so that its
// kept buffers are longer than the keys, and passes skipped in one sort but not the next.
TEST(KeySort, OneSorterReusedSortsEveryBlock) {
  std::mt19937_64 rng(7);
  KeySorter sorter;
  for (size_t n : {20000, 300, 5000, 257, 20000, 1000}) {
    std::vector<int64_t> keys(n);
    for (auto& k : keys)
      k = n == 1000 ? static_cast<int64_t>(rng() % 64) : static_cast<int64_t>(rng());
    auto expected = keys;
    std::sort(expected.begin(), expected.end());
    sorter.sort(keys);
    EXPECT_EQ(keys, expected) << n << " keys";
  }
}

}  // namespace
}  // namespace siphon::store