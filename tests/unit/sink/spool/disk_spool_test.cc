// DiskSpool on a real temporary directory: order, bounds, restart.

#include "sink/spool/disk_spool.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace siphon::sink {
namespace {

std::vector<std::byte> packet(uint32_t n, size_t size = 100) {
  std::vector<std::byte> p(size, std::byte{0x5a});
  for (size_t i = 0; i < 4 && i < size; ++i) p[i] = std::byte(n >> (8 * i));
  return p;
}

uint32_t numberOf(const std::vector<std::byte>& p) {
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n |= std::to_integer<uint32_t>(p[i]) << (8 * i);
  return n;
}

class DiskSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-spool-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DiskSpoolPtr open(uint64_t max_bytes = 1 << 20, uint64_t segment_bytes = 70000) {
    DiskSpoolOptions o;
    o.directory = dir_;
    o.max_bytes = max_bytes;
    o.segment_bytes = segment_bytes;
    auto s = DiskSpool::open(o);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s.has_value() ? std::move(*s) : nullptr;
  }

  // Pops everything; returns the packet numbers in order.
  std::vector<uint32_t> drain(DiskSpool& s, uint64_t* lost_out = nullptr) {
    std::vector<uint32_t> out;
    std::vector<std::byte> p;
    uint64_t lost = 0;
    for (int guard = 0; guard < 100000 && s.front(p, lost); ++guard) {
      out.push_back(numberOf(p));
      s.popFront();
    }
    if (lost_out != nullptr) *lost_out = lost;
    return out;
  }

  size_t segmentFiles() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) n += e.path().extension() == ".hepspool";
    return n;
  }

  std::filesystem::path dir_;
};

TEST_F(DiskSpoolTest, ReplaysInOrderAcrossSegmentsAndDeletesThem) {
  auto s = open();
  for (uint32_t i = 0; i < 2000; ++i) ASSERT_TRUE(s->append(packet(i)).has_value());
  EXPECT_EQ(s->pendingRecords(), 2000u);
  EXPECT_GT(segmentFiles(), 2u);  // 2000 x 104 bytes over 70000-byte segments
  auto got = drain(*s);
  ASSERT_EQ(got.size(), 2000u);
  for (uint32_t i = 0; i < 2000; ++i) EXPECT_EQ(got[i], i);
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(segmentFiles(), 0u);
  EXPECT_EQ(s->diskBytes(), 0u);
}

TEST_F(DiskSpoolTest, AppendsWhileReplayingKeepOrder) {
  auto s = open();
  std::vector<std::byte> p;
  uint64_t lost = 0;
  uint32_t next_in = 0, next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 37; ++i) ASSERT_TRUE(s->append(packet(next_in++)).has_value());
    for (int i = 0; i < 29 && s->front(p, lost); ++i) {
      EXPECT_EQ(numberOf(p), next_out++);
      s->popFront();
    }
  }
  for (uint32_t n : drain(*s)) EXPECT_EQ(n, next_out++);
  EXPECT_EQ(next_out, next_in);
  EXPECT_EQ(lost, 0u);
}

TEST_F(DiskSpoolTest, FullSpoolDropsOldestSegmentsAndCountsThem) {
  // Segments of ~2 full-size records, at most 4 segments' worth of bytes.
  const uint64_t seg = 2 * (65535 + 4);
  auto s = open(4 * seg, seg);
  uint64_t dropped = 0;
  for (uint32_t i = 0; i < 20; ++i) {
    auto r = s->append(packet(i, 65535));
    ASSERT_TRUE(r.has_value());
    dropped += r->dropped_records;
  }
  EXPECT_LE(s->diskBytes(), 4 * seg);
  EXPECT_EQ(dropped + s->pendingRecords(), 20u);
  EXPECT_GT(dropped, 0u);
  auto got = drain(*s);
  ASSERT_FALSE(got.empty());
  // What is left is the newest, in order, ending with the last one.
  EXPECT_EQ(got.back(), 19u);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_EQ(got[i], got[i - 1] + 1);
  EXPECT_EQ(got.front(), dropped);
}

TEST_F(DiskSpoolTest, ReopenReplaysWhatAnEarlierRunLeftAndCutsATornRecord) {
  {
    auto s = open();
    for (uint32_t i = 0; i < 1500; ++i) ASSERT_TRUE(s->append(packet(i)).has_value());
    std::vector<std::byte> p;
    uint64_t lost = 0;
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(s->front(p, lost));
      s->popFront();
    }
  }
  // A crash mid-write: half a record at the end of the newest segment.
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() != ".hepspool") continue;  // the progress file is not a segment
    if (newest.empty() || e.path() > newest) newest = e.path();
  }
  {
    std::ofstream f(newest, std::ios::binary | std::ios::app);
    const char torn[] = {0, 0, 0, 100, 'x', 'y'};
    f.write(torn, sizeof torn);
  }
  auto s = open();
  // The progress file says 10 records of the first segment were consumed: they do not come
  // again.
  EXPECT_EQ(s->pendingRecords(), 1490u);
  auto got = drain(*s);
  ASSERT_EQ(got.size(), 1490u);
  for (uint32_t i = 0; i < 1490; ++i) EXPECT_EQ(got[i], i + 10);
  ASSERT_TRUE(s->append(packet(7777)).has_value());
  EXPECT_EQ(drain(*s), std::vector<uint32_t>{7777});
}

// What the progress file says is believed only when it names the oldest segment and a record
// boundary of it; a spool consumed to its end says so, and a new segment that reuses the
// sequence number after a restart is not skipped.
TEST_F(DiskSpoolTest, ProgressIsTrustedOnlyWhereItFits) {
  {
    auto s = open();
    for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(s->append(packet(i)).has_value());
    std::vector<std::byte> p;
    uint64_t lost = 0;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->next(p, lost));
    s->consume();
  }
  const auto progress = dir_ / "progress.hepspool.pos";
  ASSERT_TRUE(std::filesystem::exists(progress));
  {
    // Torn: the offset no longer falls on a record boundary.
    std::fstream f(progress, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(15);
    f.put(static_cast<char>(7));
  }
  {
    auto s = open();
    EXPECT_EQ(s->pendingRecords(), 10u) << "a progress that does not fit is ignored";
    EXPECT_EQ(drain(*s).size(), 10u);
  }
  EXPECT_FALSE(std::filesystem::exists(progress)) << "an empty spool leaves no progress file";
  {
    auto s = open();
    EXPECT_TRUE(s->empty());
    for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(s->append(packet(100 + i)).has_value());
  }
  auto s = open();
  EXPECT_EQ(s->pendingRecords(), 4u);
  EXPECT_EQ(drain(*s), (std::vector<uint32_t>{100, 101, 102, 103}));
}

// A database sink reads a batch, writes it, and consumes it only once the write committed.
TEST_F(DiskSpoolTest, ACursorReadsAheadAndRewindsUntilConsumed) {
  auto s = open(1 << 20, 70000);
  for (uint32_t i = 0; i < 1500; ++i) ASSERT_TRUE(s->append(packet(i)).has_value());
  std::vector<std::byte> p;
  uint64_t lost = 0;
  auto read = [&](size_t n) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < n && s->next(p, lost); ++i) out.push_back(numberOf(p));
    return out;
  };
  auto first = read(1000);  // across several segments
  ASSERT_EQ(first.size(), 1000u);
  EXPECT_EQ(first.back(), 999u);
  s->rewind();  // the write failed: the same records come again
  EXPECT_EQ(read(3), (std::vector<uint32_t>{0, 1, 2}));
  s->rewind();
  EXPECT_EQ(read(1000).back(), 999u);
  const size_t files_before = segmentFiles();
  s->consume();
  EXPECT_EQ(s->pendingRecords(), 500u);
  EXPECT_LT(segmentFiles(), files_before) << "segments read to their end are deleted";
  s->rewind();
  EXPECT_EQ(read(1), std::vector<uint32_t>{1000});
  // Appends land behind the cursor's records; the cursor reaches them.
  ASSERT_TRUE(s->append(packet(5000)).has_value());
  auto rest = read(1000);
  ASSERT_EQ(rest.size(), 500u);
  EXPECT_EQ(rest.back(), 5000u);
  EXPECT_FALSE(s->next(p, lost));
  s->consume();
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(segmentFiles(), 0u);
  EXPECT_EQ(lost, 0u);
}

// Records of a database batch are larger than a HEP packet; the suffix keeps kinds apart.
TEST_F(DiskSpoolTest, LargerRecordsAndAnotherSuffix) {
  DiskSpoolOptions o;
  o.directory = dir_;
  o.max_record_bytes = 1 << 20;
  o.max_bytes = 8 << 20;
  o.suffix = ".dbspool";
  auto s = DiskSpool::open(o);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_TRUE((*s)->append(packet(1, 300000)).has_value());
  EXPECT_FALSE((*s)->append(packet(2, (1 << 20) + 1)).has_value());
  EXPECT_EQ(segmentFiles(), 0u) << "no .hepspool file";
  std::vector<std::byte> p;
  uint64_t lost = 0;
  ASSERT_TRUE((*s)->front(p, lost));
  EXPECT_EQ(p.size(), 300000u);
}

TEST_F(DiskSpoolTest, NoDirectoryUntilARecordHasToWait) {
  auto s = open();
  EXPECT_FALSE(std::filesystem::exists(dir_)) << "a destination that never fails leaves no trace";
  EXPECT_TRUE(s->empty());
  ASSERT_TRUE(s->append(packet(1)).has_value());
  EXPECT_TRUE(std::filesystem::exists(dir_));
  EXPECT_EQ(drain(*s), std::vector<uint32_t>{1});
}

TEST_F(DiskSpoolTest, RefusesTooSmallALimitAndBadPackets) {
  DiskSpoolOptions o;
  o.directory = dir_;
  o.max_bytes = 1000;
  EXPECT_FALSE(DiskSpool::open(o).has_value());
  auto s = open();
  EXPECT_FALSE(s->append({}).has_value());
  EXPECT_FALSE(s->append(packet(1, 65536)).has_value());
  EXPECT_TRUE(s->empty());
}

}  // namespace
}  // namespace siphon::sink
