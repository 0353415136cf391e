#pragma once
// The embedded store: one SQLite file (WAL) laid out for ingest speed and size.
//
// Why this layout. A row per message with B-tree indexes on Call-ID and users measured 28-53k
// rows/s here and 1-5 KB per row, because every message inserts 3-8 random keys into trees
// larger than the cache and stores its text uncompressed. Instead:
//
//  * blocks   Records are written in blocks of up to `block_records` messages, per logical
//             table (sip_capture, rtcp_capture, ... after strftime expansion), compressed
//             with zstd as one frame: SIP text compresses 6-10x in blocks of similar messages.
//             An open block is rewritten in place at each flush until it is sealed (full or
//             old), so a message is searchable one flush (about a second) after arrival.
//  * keys     (k, block) WITHOUT ROWID, k = bucket << 32 | hash >> 32 (key_table.h; stores
//             made before 2026-12-07: (bucket, hash, block)): one 64-bit hash per distinct
//             Call-ID, correlation id, user and address of a block, not per message; the keys
//             of a batch are sorted before insertion. `bucket` grows with time, so inserts go to
//             the right edge of the tree, into the current bucket's subtree. Within it the
//             hashes are random, so a commit dirties about one leaf page per key it inserts,
//             up to every leaf page of that subtree, and writes each dirty page twice (WAL,
//             then checkpoint). So a bucket is kept small (bucket_keys). fill_store, 10 M
//             messages (its time includes making the traffic): with buckets of 4 M keys it
//             wrote about 3 KB per message once a bucket had grown, and each million took
//             longer than the one before (9.6 s, then 16, 19, ... 20 s); with 65,536 it writes
//             250 B per message, each million after the first two takes 8 s, 78 s in all
//             against 172 s. With 32,768 (since 2026-12-07) it wrote 179 instead of 265 B per
//             message (1.79 GB instead of 2.65 GB for 10 M) and fill_store took 48.9 s instead
//             of 51.8 s. A key lookup probes every bucket of its time range (all of them
//             without one), in one statement: one index seek per bucket. At 10 M messages that
//             is 166 buckets instead of 84: a Call-ID lookup without a time range took 1.29
//             instead of 1.03 ms (p50, query_bench). Readers now map the file (block_store.cc);
//             with that, against 65,536 without it (alternating runs): p50 0.97 against
//             0.94 ms, p99 1.84 against 1.25 ms, a call's assembly 4.67 against 4.42 ms.
//  * buckets  capture-time range of each bucket, so a search probes only the buckets of its
//             time range: one index seek per bucket.
//
// Search reads the candidate blocks, decompresses them and re-checks every filter on the
// parsed message, so the hashes never decide a result on their own.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/capture.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/block_codec.h"
#include "store/key_sort.h"
#include "store/key_table.h"
#include "store/traffic_stats.h"

struct sqlite3;
struct sqlite3_stmt;

namespace siphon::store {

struct StoreOptions {
  /// zstd level of the blocks (the window is always a whole block, block_codec.cc). Level 1
  /// since 2026-12-07, with that window: store_bench 0.916 of level 3's time (9 paired rounds),
  /// 53.0 instead of 54.4 B/msg; the real-capture mix 31.75 instead of 31.19 B/msg, its blocks
  /// 1.9 % larger. Level 3 with its own window had measured 32.6 B/msg there (README).
  int zstd_level = 1;
  /// Seal a block at this many records. A lookup decompresses and decodes whole blocks, so
  /// their size sets its cost: at 10 M messages (fill_store, query_bench) 2,048 instead of
  /// 4,096 takes a Call-ID lookup's p99 from 5-7.5 ms to 3.9 ms and the 24 h user search's from
  /// 38 to 28.5 ms. The price is in the key index, one row per distinct key per block: 3.4 %
  /// more bytes for fill_store's calls, 20 % for the real-capture mix (27 -> 33 B/msg,
  /// bench/load/backends.py), whose calls spread over more blocks. 1,024 would save a third
  /// more time again for 9 % more bytes (fill_store).
  size_t block_records = 2048;
  size_t block_raw_bytes = 4 << 20;        ///< ... or at this many uncompressed bytes
  std::chrono::seconds block_max_age{30};  ///< ... or when it has been open this long
  /// An open block is rewritten at most this often: a record waits at most this long before
  /// it is searchable, and a busy store compresses each block about once.
  std::chrono::milliseconds open_block_write_interval{1000};
  /// Traffic statistics are summed in memory this long before a flush writes them (one upsert
  /// per key and interval instead of per batch: the top dimensions have a key per user).
  std::chrono::milliseconds stats_write_interval{5'000};
  /// Start a new key bucket after this many keys: the write cost of a key grows with its
  /// bucket (above), a key lookup without a time range costs a seek per bucket.
  uint64_t bucket_keys = 32'768;
  /// SQLite's wal_autocheckpoint, in pages of 4 KB: the WAL is copied into the database once it
  /// holds this many. A checkpoint copies each page once however often the WAL holds it, and
  /// commits rewrite the same pages again and again (the current key bucket's leaves, the open
  /// blocks' rows, the bucket row), so a longer WAL copies less. store_bench, µs per message,
  /// 5 alternating rounds: 2.32 with SQLite's 1,000 pages, 2.29 with 2,048, 2.28 with 4,096,
  /// 2.24 with 8,192. The price is a longer pause at each checkpoint (it writes and syncs the
  /// pages on the write thread; the queue in front absorbs it): at 200k msg/s for 60 s
  /// (ingest_soak.sh) the queue peaked at 32-37 MB with 8,192 pages, 22 MB with 4,096 and
  /// 9-16 MB with 1,000. So 4,096, a WAL file of 16 MB.
  int wal_checkpoint_pages = 4096;
  /// SQLite page cache, per connection. It fills with the pages the writer touches and is part
  /// of the collector's steady RSS; the key B-tree inserts are sorted per block, so a small
  /// cache costs little (store_bench measures it).
  int cache_mb = 64;
  /// What block ages are measured with (block_max_age, open_block_write_interval); null: the
  /// system clock. Must outlive the store.
  const core::Clock* clock = nullptr;
  /// The report views (store_views.h): homer5_on = 0, and the report tables rules name.
  bool homer6_reports = false;
  std::vector<std::string> report_tables;
  std::vector<std::string> trace_tables;  ///< tracing rules' tables: sip_trace views of their own
};

struct BlockInfo {
  int64_t id = 0;
  std::string table;
  int64_t min_ts = 0, max_ts = 0;  ///< capture time, µs since epoch
  int64_t count = 0;
};

/// A block read back: the decompressed bytes and the records that view them. `owner` keeps
/// the bytes alive (share it to keep records past the LoadedBlock); its buffer returns to the
/// store's pool when the last owner drops it.
struct LoadedBlock {
  BlockInfo info;
  std::shared_ptr<const std::vector<std::byte>> owner;
  std::span<const std::byte> raw;  ///< the decompressed block, in `owner`
  std::vector<core::CaptureMeta> records;
};

/// What expire() removed.
struct ExpireResult {
  uint64_t blocks = 0, records = 0, buckets = 0;
};

struct StoreStats {
  int64_t blocks = 0, records = 0, keys = 0, compressed_bytes = 0, raw_bytes = 0, file_bytes = 0;
};

class BlockStore {
 public:
  /// Opens or creates the store. Read-only opens never create or write.
  [[nodiscard]] static core::Result<std::unique_ptr<BlockStore>, core::Failure> open(
      const std::string& path, const StoreOptions& options, bool read_only = false);
  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  // ---- write side: one thread ----
  /// Stages a record for `table` with its index keys (see index_key.h); `node` is kept as
  /// the record's node name.
  void add(std::string_view table, const core::CaptureMeta& meta, std::string_view node,
           std::span<const int64_t> keys);
  /// Counts a staged record in the traffic statistics (traffic_stats.h); written by the first
  /// flush that writes records once stats_write_interval passed (and by close()), in its
  /// transaction. A crash loses at most that interval of statistics, never of records.
  void addStats(StatsDim dim, int64_t micros, std::string_view key) { stats_.add(dim, micros, key); }
  /// Counts a staged record in every dimension it belongs to (StatsAccumulator::addRecord).
  void addStats(const StatsRecord& record) { stats_.addRecord(record); }
  /// Writes sealed blocks, and open blocks not written for open_block_write_interval (all
  /// open blocks when `force`), in one transaction. Returns the records newly written.
  [[nodiscard]] core::Result<size_t, core::Failure> flush(bool force = false);
  /// Records staged and not yet written.
  [[nodiscard]] size_t pendingRecords() const;
  /// Forgets every staged record not yet written (after a failed flush that was given up);
  /// records an earlier flush wrote stay in the database.
  void discardUnwritten();
  /// Flushes and seals every open block (shutdown).
  [[nodiscard]] core::Result<size_t, core::Failure> close();
  /// Retention, in one transaction: deletes the written blocks whose newest record is older
  /// than `cutoff_for(table)` (µs since the epoch; 0 keeps the table's), then, while the
  /// store's used pages exceed `max_bytes` (0: no budget), the oldest remaining blocks; then
  /// the key buckets no remaining block can have keys in. Blocks still open are kept. A store
  /// made since 2026-12-07 gives the freed pages back to the file system (auto_vacuum
  /// incremental; its pointer-map pages cost about 3 % of store_bench's time per message); an
  /// older one, made with auto_vacuum off by mistake, reuses them. Readers see a removed block
  /// as empty (loadBlock).
  [[nodiscard]] core::Result<ExpireResult, core::Failure> expire(
      const std::function<int64_t(std::string_view table)>& cutoff_for, uint64_t max_bytes);
  /// Bytes of the pages in use (page_count - freelist_count, times page_size).
  [[nodiscard]] core::Result<uint64_t, core::Failure> usedBytes();

  // ---- read side ----
  /// Blocks that hold `key`, limited to buckets overlapping [since, until] (µs; 0 = open).
  [[nodiscard]] core::Result<std::vector<int64_t>, core::Failure> blocksForKey(int64_t key,
                                                                               int64_t since,
                                                                               int64_t until);
  /// Blocks overlapping [since, until], newest first.
  [[nodiscard]] core::Result<std::vector<BlockInfo>, core::Failure> blocksInRange(int64_t since,
                                                                                  int64_t until);
  /// The block; one that retention removed (or never was) reads as empty: info.count 0, no
  /// records. A damaged block is an error.
  [[nodiscard]] core::Result<LoadedBlock, core::Failure> loadBlock(int64_t id);
  [[nodiscard]] core::Result<StoreStats, core::Failure> stats();
  /// Traffic statistics of `dim` in [since_s, until_s] (seconds, bucket starts), summed per
  /// interval (a multiple of the dimension's bucket) and key, in time order. A store written
  /// before statistics existed has none.
  [[nodiscard]] core::Result<std::vector<StatsRow>, core::Failure> statsSeries(StatsDim dim, int64_t since_s,
                                                                              int64_t until_s,
                                                                              int64_t interval_s);
  /// The `limit` keys of `dim` with the largest counts in [since_s, until_s], largest first.
  [[nodiscard]] core::Result<std::vector<StatsRow>, core::Failure> statsTop(StatsDim dim, int64_t since_s,
                                                                           int64_t until_s, size_t limit);
  /// Bytes SQLite's page cache holds for this connection now (the cache_mb it may grow to).
  [[nodiscard]] size_t cacheBytes() const;

 private:
  struct OpenBlock {
    int64_t id = 0;  ///< 0 until first written
    BlockBuilder builder;
    size_t written = 0;  ///< records already in the database copy
    int64_t min_ts = 0, max_ts = 0;
    core::Clock::SteadyTime opened;
    core::Clock::SteadyTime last_write;
    std::unordered_set<int64_t> keys_written;
    std::vector<int64_t> keys_pending;
    // The last key seen in each of 256 slots (by the key's low bits; keys are hashes): a
    // record's key found here is already the block's and is not pended again. Most records
    // repeat their call's Call-ID and users and their peers' addresses, so the pending list
    // holds a fraction of the keys, and its sort and deduplication cost less.
    std::array<int64_t, 256> recent_keys{};
    // What writeBlock() wrote in the transaction under way. The block takes it as its own
    // after the COMMIT (committed()); after a ROLLBACK it is dropped, and the next flush
    // writes the block again from its own state, as if the failed flush had not happened.
    bool in_txn = false;
    int64_t txn_id = 0;
    size_t txn_written = 0;
    std::vector<int64_t> txn_keys;
  };

  BlockStore(sqlite3* db, StoreOptions options, bool read_only);
  [[nodiscard]] const core::Clock& clock() const {
    return options_.clock ? *options_.clock : core::systemClock();
  }
  core::Result<void, core::Failure> prepareStatements();
  core::Result<void, core::Failure> writeBlock(const std::string& table, OpenBlock& b);
  /// The key rows of `keys` (sorted, not written before) in bucket_ and `block`.
  core::Result<void, core::Failure> insertKeys(int64_t block, std::span<const int64_t> keys);
  /// After the COMMIT of what writeBlock() wrote: the block's id, records and keys written.
  void committed(OpenBlock& b);
  /// Keeps a written block's buffers (up to kSpareBuffers) for a block opened later.
  void recycle(OpenBlock& b);
  core::Result<void, core::Failure> writeStats();
  /// A statistics query whose columns are [bucket,] key, count; `binds` in order.
  core::Result<std::vector<StatsRow>, core::Failure> statsRows(const char* sql, std::initializer_list<int64_t> binds,
                                                               StatsDim dim, bool with_bucket);
  core::Result<void, core::Failure> startBucket();
  core::Result<void, core::Failure> exec(const char* sql);
  core::Failure failure(const std::string& what) const;

  sqlite3* db_;
  StoreOptions options_;
  bool read_only_;
  BlockCompressor compressor_;
  BlockDecompressor decompressor_;
  KeySorter key_sorter_;
  std::map<std::string, OpenBlock, std::less<>> open_;
  std::vector<std::pair<std::string, OpenBlock>> sealed_;  ///< full, written at the next flush
  // The buffers of written blocks (builder, pending keys), emptied, for the next blocks to
  // open. Why: a fresh builder reserves about 1 MB per block, which the allocator maps anew
  // and the kernel faults in a page at a time while records are copied in; reused buffers
  // have their pages already.
  struct SpareBuffers {
    BlockBuilder builder;
    std::vector<int64_t> keys;
  };
  static constexpr size_t kSpareBuffers = 4;
  std::vector<SpareBuffers> spares_;
  StatsAccumulator stats_;
  core::Clock::SteadyTime stats_written_{};
  KeyLayout key_layout_ = KeyLayout::Packed;
  int64_t bucket_ = 0;
  uint64_t bucket_key_count_ = 0;
  int64_t bucket_min_ts_ = 0, bucket_max_ts_ = 0;
  sqlite3_stmt* insert_block_ = nullptr;
  sqlite3_stmt* update_block_ = nullptr;
  sqlite3_stmt* insert_key_ = nullptr;
  sqlite3_stmt* insert_keys_narrow_ = nullptr;  // kKeyRowsNarrow rows
  sqlite3_stmt* insert_keys_wide_ = nullptr;    // kKeyRowsWide rows
  static constexpr size_t kKeyRowsNarrow = 8;
  static constexpr size_t kKeyRowsWide = 64;
  // What the transaction under way wrote: key rows and statistics. Zero and empty between
  // flushes, as both ends of a flush's transaction (COMMIT, ROLLBACK) leave them.
  uint64_t txn_key_count_ = 0;
  std::vector<StatsRow> txn_stats_;
  sqlite3_stmt* update_bucket_ = nullptr;
  sqlite3_stmt* upsert_stats_ = nullptr;
  sqlite3_stmt* select_keys_ = nullptr;
  sqlite3_stmt* select_block_ = nullptr;
  sqlite3_stmt* select_range_ = nullptr;
};

}  // namespace siphon::store
