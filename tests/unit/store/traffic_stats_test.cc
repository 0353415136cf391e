// Traffic statistics kept at ingest: counted with the records, written in their transaction,
// summed per interval and per key, capped per hour for the top dimensions, expired with the
// blocks, forgotten with records the store gave up on.

#include "store/traffic_stats.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "store/block_store.h"

namespace siphon::store {
namespace {

constexpr int64_t kT0 = int64_t{1'700'000'000} * 1'000'000;  // 2023-11-14 22:13:20 UTC
constexpr int64_t kMinuteUs = 60'000'000;

TEST(StatsAccumulator, CountsPerMinuteAndPerHourWithACap) {
  StatsAccumulator acc(/*top_keys_per_hour=*/2);
  acc.add(StatsDim::Method, kT0, "INVITE");
  acc.add(StatsDim::Method, kT0 + 1, "INVITE");
  acc.add(StatsDim::Method, kT0 + kMinuteUs, "INVITE");
  for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.4"}) {
    acc.add(StatsDim::SrcIp, kT0, ip);
  }
  auto rows = acc.take();
  EXPECT_TRUE(acc.empty());
  std::map<std::tuple<int64_t, StatsDim, std::string>, int64_t> got;
  for (const auto& r : rows) got[{r.bucket, r.dim, r.key}] = r.count;
  const int64_t minute = statsBucket(StatsDim::Method, kT0);
  const int64_t hour = statsBucket(StatsDim::SrcIp, kT0);
  EXPECT_EQ(minute % 60, 0);
  EXPECT_EQ(hour % 3600, 0);
  EXPECT_EQ((got[{minute, StatsDim::Method, "INVITE"}]), 2);
  EXPECT_EQ((got[{minute + 60, StatsDim::Method, "INVITE"}]), 1);
  EXPECT_EQ((got[{hour, StatsDim::SrcIp, "10.0.0.1"}]), 2);
  EXPECT_EQ((got[{hour, StatsDim::SrcIp, "10.0.0.2"}]), 1);
  EXPECT_EQ((got[{hour, StatsDim::SrcIp, std::string(kStatsOther)}]), 2);  // .3 and .4: over the cap
  // The cap holds across takes within the hour.
  acc.add(StatsDim::SrcIp, kT0 + 5, "10.0.0.5");
  rows = acc.take();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].key, kStatsOther);
}

TEST(StatsAccumulator, RepeatedKeysCountOnceEachAcrossTakes) {
  // The same key again is counted through the dimension's last entry, not a lookup: the sums
  // must not change, for runs, alternations, other dimensions between, after take() and
  // discard(), and for keys over the cap.
  StatsAccumulator acc(/*top_keys_per_hour=*/1);
  auto sums = [&] {
    std::map<std::tuple<int64_t, StatsDim, std::string>, int64_t> got;
    for (const auto& r : acc.take()) got[{r.bucket, r.dim, r.key}] += r.count;
    return got;
  };
  const int64_t minute = statsBucket(StatsDim::Method, kT0);
  const int64_t hour = statsBucket(StatsDim::User, kT0);
  for (const char* m : {"INVITE", "INVITE", "ACK", "INVITE", "ACK", "ACK"}) {
    acc.add(StatsDim::Method, kT0, m);
    acc.add(StatsDim::Total, kT0, {});
  }
  acc.add(StatsDim::Method, kT0 + kMinuteUs, "INVITE");  // the next minute: its own row
  for (const char* u : {"alice", "alice", "bob", "bob", "alice", "carol"}) {
    acc.add(StatsDim::User, kT0, u);
  }
  auto got = sums();
  EXPECT_EQ((got[{minute, StatsDim::Method, "INVITE"}]), 3);
  EXPECT_EQ((got[{minute, StatsDim::Method, "ACK"}]), 3);
  EXPECT_EQ((got[{minute + 60, StatsDim::Method, "INVITE"}]), 1);
  EXPECT_EQ((got[{minute, StatsDim::Total, ""}]), 6);
  EXPECT_EQ((got[{hour, StatsDim::User, "alice"}]), 3);
  EXPECT_EQ((got[{hour, StatsDim::User, std::string(kStatsOther)}]), 3);  // bob x2, carol
  // After take() the same key starts a new count (the last entry is forgotten with the rows).
  acc.add(StatsDim::Method, kT0, "INVITE");
  acc.add(StatsDim::Method, kT0, "INVITE");
  got = sums();
  EXPECT_EQ((got[{minute, StatsDim::Method, "INVITE"}]), 2);
  acc.add(StatsDim::Method, kT0, "INVITE");
  acc.discard();
  acc.add(StatsDim::Method, kT0, "INVITE");
  got = sums();
  EXPECT_EQ((got[{minute, StatsDim::Method, "INVITE"}]), 1);
}

TEST(StatsAccumulator, MoreKeysInTurnThanTheRecentEntriesCountExactly) {
  // A dimension remembers its last few entries: cycling through more keys than that, with a
  // key that is a prefix of another and a bucket change between, must still count each one.
  StatsAccumulator acc;
  const char* codes[] = {"100", "180", "200", "1800", "486", "18", "603"};
  for (int round = 0; round < 5; ++round) {
    for (const char* c : codes) acc.add(StatsDim::Code, kT0, c);
    acc.add(StatsDim::Code, kT0 + kMinuteUs, "200");
  }
  std::map<std::tuple<int64_t, std::string>, int64_t> got;
  for (const auto& r : acc.take()) got[{r.bucket, r.key}] += r.count;
  const int64_t minute = statsBucket(StatsDim::Code, kT0);
  for (const char* c : codes) EXPECT_EQ((got[{minute, c}]), 5) << c;
  EXPECT_EQ((got[{minute + 60, "200"}]), 5);
  EXPECT_EQ(got.size(), std::size(codes) + 1);
}

TEST(StatsAccumulator, KeysThatDifferInOneByteCountApartAtEveryLength) {
  // Keys are compared by word loads by length class (below 4, 4-7, 8-16, longer) and found
  // through a hash index that grows: every length up to 40, each key beside variants that
  // differ in one byte at each position, in two minutes and two dimensions, twice over (the
  // second interval reuses the emptied index), must count each key exactly.
  StatsAccumulator acc(1'000'000);
  std::map<std::tuple<int64_t, StatsDim, std::string>, int64_t> want;
  for (int interval = 0; interval < 2; ++interval) {
    want.clear();
    for (int repeat = 0; repeat < 3; ++repeat) {
      for (size_t len = 0; len <= 40; ++len) {
        const std::string base(len, 'a');
        for (size_t pos = 0; pos <= len; ++pos) {
          std::string key = base;
          if (pos < len) key[pos] = 'b';  // pos == len: the base itself
          for (StatsDim dim : {StatsDim::Method, StatsDim::User}) {
            for (int64_t t : {kT0, kT0 + 3600 * int64_t{1'000'000}}) {
              acc.add(dim, t, key);
              ++want[{statsBucket(dim, t), dim, key}];
            }
          }
        }
      }
    }
    std::map<std::tuple<int64_t, StatsDim, std::string>, int64_t> got;
    for (const auto& r : acc.take()) got[{r.bucket, r.dim, r.key}] += r.count;
    EXPECT_EQ(got, want) << "interval " << interval;
  }
}

TEST(StatsAccumulator, ARecordCountsAsItsAddsPerDimensionWould) {
  // addRecord() keeps the fixed-key dimensions in counters of the current minute; its rows
  // must equal those of add() once per dimension, as the table in traffic_stats.h says, for
  // every kind of record, over minutes that come back out of order and a take() between.
  std::vector<StatsRecord> records;
  const char* methods[] = {"INVITE", "ACK", "BYE", "REGISTER"};
  const char* codes[] = {"100", "180", "200", "486", "302", "503", "603"};
  for (int i = 0; i < 400; ++i) {
    StatsRecord r;
    // Minutes 0, 1, 0, 2 ... and an hour later: out of order and across hours.
    r.micros = kT0 + int64_t{(i * 7) % 5} * kMinuteUs + (i > 300 ? 3600 * int64_t{1'000'000} : 0);
    r.kind = static_cast<StatsKind>(i % 9 < 6 ? 0 : i % 9 - 5);
    r.node = i % 2 ? "edge-1" : "edge-2";
    r.src_ip = i % 3 ? "10.0.0.1" : "";
    r.dst_ip = "10.0.0.2";
    if (r.kind == StatsKind::Sip) {
      if (i % 2) {
        r.method = methods[i % 4];
        r.call_attempt = r.method == "INVITE" && i % 4 == 1;
      } else {
        r.code = codes[i % 7];
        r.answered = r.code == "200" && i % 3 == 0;
      }
      r.user = i % 5 ? "alice" : "";
      r.user_agent = "UA/1";
    }
    records.push_back(r);
  }
  auto byAdds = [](StatsAccumulator& acc, const StatsRecord& r) {
    acc.add(StatsDim::Total, r.micros, {});
    acc.add(StatsDim::Node, r.micros, r.node);
    if (!r.src_ip.empty()) acc.add(StatsDim::SrcIp, r.micros, r.src_ip);
    if (!r.dst_ip.empty()) acc.add(StatsDim::DstIp, r.micros, r.dst_ip);
    acc.add(StatsDim::Kind, r.micros, kStatsKindNames[static_cast<size_t>(r.kind)]);
    if (r.kind != StatsKind::Sip) return;
    if (!r.method.empty()) {
      acc.add(StatsDim::Method, r.micros, r.method);
      if (r.call_attempt) acc.add(StatsDim::Calls, r.micros, {});
    } else {
      acc.add(StatsDim::Code, r.micros, r.code);
      acc.add(StatsDim::Class, r.micros, std::string(1, r.code[0]) + "xx");
      if (r.answered) acc.add(StatsDim::Answered, r.micros, {});
    }
    if (!r.user.empty()) acc.add(StatsDim::User, r.micros, r.user);
    if (!r.user_agent.empty()) acc.add(StatsDim::UserAgent, r.micros, r.user_agent);
  };
  using Rows = std::map<std::tuple<int64_t, StatsDim, std::string>, int64_t>;
  auto rows = [](StatsAccumulator& acc, Rows& into) {
    for (const auto& r : acc.take()) into[{r.bucket, r.dim, r.key}] += r.count;
  };
  StatsAccumulator want_acc, got_acc;
  Rows want, got;
  for (size_t i = 0; i < records.size(); ++i) {
    byAdds(want_acc, records[i]);
    got_acc.addRecord(records[i]);
    if (i == 150) {  // a flush in the middle: the counters of the minute go with it
      EXPECT_FALSE(got_acc.empty());
      rows(want_acc, want);
      rows(got_acc, got);
      EXPECT_TRUE(got_acc.empty());
    }
  }
  rows(want_acc, want);
  rows(got_acc, got);
  EXPECT_EQ(got, want);
  EXPECT_GT(want.size(), 40u);
}

TEST(StatsAccumulator, RestoredRowsCountAgainWithNewOnes) {
  StatsAccumulator acc(1);  // a cap of one key per hour: restored keys pass it
  const int64_t t = int64_t{1700000000} * 1'000'000;
  acc.add(StatsDim::User, t, "alice");
  acc.add(StatsDim::User, t, "bob");  // over the cap: "(other)"
  acc.add(StatsDim::Total, t, {});
  const auto taken = acc.take();
  EXPECT_TRUE(acc.empty());
  acc.restore(taken);
  acc.add(StatsDim::Total, t, {});
  acc.add(StatsDim::User, t, "alice");
  std::map<std::string, int64_t> counts;
  for (const auto& r : acc.take()) {
    counts[std::string(statsDimName(r.dim)) + ":" + r.key] += r.count;
  }
  EXPECT_EQ(counts["total:"], 2);
  EXPECT_EQ(counts["user:alice"], 2);
  EXPECT_EQ(counts["user:(other)"], 1);
  EXPECT_EQ(counts.size(), 3u);
}

TEST(StatsAccumulator, DimensionNames) {
  for (int i = 0; i < static_cast<int>(StatsDim::kCount); ++i) {
    const auto dim = static_cast<StatsDim>(i);
    EXPECT_EQ(statsDimFromName(statsDimName(dim)), dim);
  }
  EXPECT_EQ(statsDimFromName("nope"), StatsDim::kCount);
}

class TrafficStatsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-stats-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void addMessage(BlockStore& s, int64_t ts, const std::string& method) {
    core::CaptureMeta m;
    m.ts_sec = static_cast<uint32_t>(ts / 1'000'000);
    m.ts_usec = static_cast<uint32_t>(ts % 1'000'000);
    m.payload = core::asBytes(payload_);
    s.add("sip_capture", m, "node", {});
    s.addStats(StatsDim::Total, ts, {});
    s.addStats(StatsDim::Method, ts, method);
  }

  std::filesystem::path dir_;
  std::string path_;
  std::string payload_ = "OPTIONS sip:x SIP/2.0\r\n\r\n";
};

TEST_F(TrafficStatsStoreTest, WrittenWithTheRecordsAndSummedOnRead) {
  StoreOptions opt;
  opt.open_block_write_interval = std::chrono::milliseconds(0);
  opt.stats_write_interval = std::chrono::milliseconds(0);  // every flush writes them
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value());
  for (int i = 0; i < 30; ++i) addMessage(**store, kT0 + i * kMinuteUs / 3, i % 3 ? "OPTIONS" : "INVITE");
  ASSERT_TRUE((*store)->flush().has_value());
  for (int i = 0; i < 6; ++i) addMessage(**store, kT0 + i, "BYE");
  ASSERT_TRUE((*store)->flush().has_value());  // a second flush adds to the same buckets

  auto reader = BlockStore::open(path_, opt, /*read_only=*/true);
  ASSERT_TRUE(reader.has_value());
  const int64_t since = kT0 / 1'000'000 - 3600, until = kT0 / 1'000'000 + 3600;
  auto per_minute = (*reader)->statsSeries(StatsDim::Total, since, until, 60);
  ASSERT_TRUE(per_minute.has_value());
  int64_t total = 0;
  for (const auto& r : *per_minute) total += r.count;
  EXPECT_EQ(total, 36);
  ASSERT_EQ(per_minute->size(), 11u);  // every 20 s from 22:13:20 to 22:23:00; the BYEs in the first
  auto per_5min = (*reader)->statsSeries(StatsDim::Method, since, until, 300);
  ASSERT_TRUE(per_5min.has_value());
  int64_t invites = 0, byes = 0;
  for (const auto& r : *per_5min) {
    EXPECT_EQ(r.bucket % 300, 0);
    if (r.key == "INVITE") invites += r.count;
    if (r.key == "BYE") byes += r.count;
  }
  EXPECT_EQ(invites, 10);
  EXPECT_EQ(byes, 6);
  auto top = (*reader)->statsTop(StatsDim::Method, since, until, 2);
  ASSERT_TRUE(top.has_value());
  ASSERT_EQ(top->size(), 2u);
  EXPECT_EQ((*top)[0].key, "OPTIONS");
  EXPECT_EQ((*top)[0].count, 20);
  EXPECT_EQ((*top)[1].key, "INVITE");
  // Outside the range: nothing.
  auto none = (*reader)->statsTop(StatsDim::Method, until + 7200, until + 9000, 5);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(TrafficStatsStoreTest, SummedInMemoryForAnIntervalThenWritten) {
  StoreOptions opt;
  opt.open_block_write_interval = std::chrono::milliseconds(0);  // records: every flush
  auto store = BlockStore::open(path_, opt);                      // statistics: every 10 s
  ASSERT_TRUE(store.has_value());
  addMessage(**store, kT0, "INVITE");
  ASSERT_TRUE((*store)->flush().has_value());  // the first flush writes them (none written yet)
  addMessage(**store, kT0, "INVITE");
  ASSERT_TRUE((*store)->flush().has_value());  // within the interval: kept in memory
  auto top = (*store)->statsTop(StatsDim::Method, 0, kT0, 5);
  ASSERT_TRUE(top.has_value());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].count, 1);
  ASSERT_TRUE((*store)->close().has_value());  // closing writes what is left
  top = (*store)->statsTop(StatsDim::Method, 0, kT0, 5);
  ASSERT_TRUE(top.has_value());
  EXPECT_EQ((*top)[0].count, 2);
}

TEST_F(TrafficStatsStoreTest, GivenUpRecordsAreNotCounted) {
  auto store = BlockStore::open(path_, {});
  ASSERT_TRUE(store.has_value());
  addMessage(**store, kT0, "INVITE");
  (*store)->discardUnwritten();
  addMessage(**store, kT0, "BYE");
  ASSERT_TRUE((*store)->flush(/*force=*/true).has_value());
  auto top = (*store)->statsTop(StatsDim::Method, 0, kT0, 5);
  ASSERT_TRUE(top.has_value());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].key, "BYE");
}

TEST_F(TrafficStatsStoreTest, ExpireTakesOldStatisticsWithTheBlocks) {
  StoreOptions opt;
  opt.block_records = 1;
  auto store = BlockStore::open(path_, opt);
  ASSERT_TRUE(store.has_value());
  const int64_t old = kT0 - int64_t{10} * 86400 * 1'000'000;
  addMessage(**store, old, "INVITE");
  addMessage(**store, kT0, "BYE");
  ASSERT_TRUE((*store)->flush(/*force=*/true).has_value());
  auto expired = (*store)->expire([&](std::string_view) { return kT0 - 86400 * int64_t{1'000'000}; }, 0);
  ASSERT_TRUE(expired.has_value()) << expired.error().message;
  EXPECT_EQ(expired->records, 1u);
  auto top = (*store)->statsTop(StatsDim::Method, 0, kT0, 5);
  ASSERT_TRUE(top.has_value());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].key, "BYE");
}

}  // namespace
}  // namespace siphon::store
