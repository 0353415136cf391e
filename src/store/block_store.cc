#include "store/block_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>

#include "store/key_sort.h"
#include "store/key_table.h"
#include "store/store_views.h"

namespace siphon::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS siphon_meta (key TEXT PRIMARY KEY, value TEXT);
INSERT OR IGNORE INTO siphon_meta VALUES ('format', 'siphon-blocks-1');
CREATE TABLE IF NOT EXISTS blocks (
  id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL,
  count INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS blocks_time ON blocks (max_ts, min_ts);
CREATE TABLE IF NOT EXISTS buckets (
  id INTEGER PRIMARY KEY, min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, keys INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stats (
  dim INTEGER NOT NULL, bucket INTEGER NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (dim, bucket, key)) WITHOUT ROWID;
)sql";

// Readers map the file instead of reading each page into SQLite's cache with a system call:
// a key lookup seeks once per key bucket, three or four pages each, mostly outside that cache.
// At 10 M messages (query_bench, 166 buckets) a Call-ID lookup took 0.96 instead of 1.27 ms
// (p50), a call's assembly 4.8 instead of 5.5 ms. SQLite caps it (2 GB in Debian's build);
// pages beyond are read as before. Readers only: the writer's pages go through the WAL.
constexpr int64_t kReadMmapBytes = int64_t{2} << 30;
constexpr size_t kMaxBlockRawBytes = 256u << 20;  // refuse to inflate anything larger
// Decompressed blocks kept for reuse after the last record of one is dropped: a 24 h search
// page holds about 17 blocks of 2-3 MB (query_bench), so the next page or request finds
// them (block_buffer_pool.h).
constexpr size_t kReadPoolBytes = 64u << 20;

class Statement {
 public:
  explicit Statement(sqlite3_stmt* st) : st_(st) {}
  ~Statement() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_;
};

}  // namespace

core::Result<std::unique_ptr<BlockStore>, core::Failure> BlockStore::open(
    const std::string& path, const StoreOptions& options, bool read_only) {
  if (read_only && !std::filesystem::exists(path)) {
    return core::unexpected(core::Failure{"sqlite:" + path + ": no such store", 1});
  }
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::unexpected(core::Failure{"sqlite:" + path + ": " + msg, 1});
  }
  std::unique_ptr<BlockStore> store(new BlockStore(db, options, read_only));
  sqlite3_busy_timeout(db, 5000);
  std::string pragmas = "PRAGMA cache_size=-" + std::to_string(options.cache_mb * 1024) + ";";
  if (read_only) pragmas += "PRAGMA mmap_size=" + std::to_string(kReadMmapBytes) + ";";
  if (!read_only) {
    // auto_vacuum first: only a new, empty file takes it, and switching to WAL writes the
    // file's first page (a store made with the two the other way round has auto_vacuum 0).
    // With it, the pages that retention frees go back to the file system.
    pragmas +=
        "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA wal_autocheckpoint=" +
        std::to_string(options.wal_checkpoint_pages) + ";";
  }
  SIPHON_TRY(store->exec(pragmas.c_str()));
  if (!read_only) {
    SIPHON_TRY(store->exec(kSchema));
    // The familiar tables as views over the blocks; they need the siphon_sqlite extension
    // (`.load siphon_sqlite` in the sqlite3 shell), which provides siphon_messages.
    StoreViewOptions views;
    views.homer6_reports = options.homer6_reports;
    views.report_tables = options.report_tables;
    views.trace_tables = options.trace_tables;
    SIPHON_TRY(store->exec(storeViewsSql(views).c_str()));
  }
  SIPHON_ASSIGN_OR_RETURN(store->key_layout_, openKeyTable(db, read_only));
  SIPHON_TRY(store->prepareStatements());
  if (!read_only) SIPHON_TRY(store->startBucket());
  return store;
}

BlockStore::BlockStore(sqlite3* db, StoreOptions options, bool read_only)
    : db_(db), options_(options), read_only_(read_only), compressor_(options.zstd_level),
      decompressor_(kReadPoolBytes) {}

BlockStore::~BlockStore() {
  if (!read_only_) (void)close();
  for (auto* st :
       {insert_block_, update_block_, insert_key_, insert_keys_narrow_, insert_keys_wide_,
        update_bucket_, upsert_stats_, select_keys_, select_block_, select_range_}) {
    sqlite3_finalize(st);
  }
  sqlite3_close(db_);
}

size_t BlockStore::cacheBytes() const {
  int current = 0, highwater = 0;
  sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_USED, &current, &highwater, 0);
  return current < 0 ? 0 : static_cast<size_t>(current);
}

core::Failure BlockStore::failure(const std::string& what) const {
  return core::Failure{what + ": " + sqlite3_errmsg(db_), 1};
}

core::Result<void, core::Failure> BlockStore::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return core::unexpected(failure("sqlite"));
  }
  return {};
}

core::Result<void, core::Failure> BlockStore::prepareStatements() {
  struct Spec {
    sqlite3_stmt** st;
    const char* sql;
    bool write;
  };
  const std::string key_one = keyInsertSql(key_layout_, 1);
  const std::string key_narrow = keyInsertSql(key_layout_, kKeyRowsNarrow);
  const std::string key_wide = keyInsertSql(key_layout_, kKeyRowsWide);
  const Spec specs[] = {
      {&insert_block_,
       "INSERT INTO blocks (tbl, min_ts, max_ts, count, raw_bytes, data) VALUES (?,?,?,?,?,?)",
       true},
      {&update_block_,
       "UPDATE blocks SET min_ts=?, max_ts=?, count=?, raw_bytes=?, data=? WHERE id=?", true},
      {&insert_key_, key_one.c_str(), true},
      {&insert_keys_narrow_, key_narrow.c_str(), true},
      {&insert_keys_wide_, key_wide.c_str(), true},
      {&update_bucket_, "UPDATE buckets SET min_ts=?, max_ts=?, keys=? WHERE id=?", true},
      {&upsert_stats_,
       "INSERT INTO stats (dim, bucket, key, count) VALUES (?,?,?,?) "
       "ON CONFLICT (dim, bucket, key) DO UPDATE SET count = count + excluded.count",
       true},
      {&select_keys_, keyLookupSql(key_layout_), false},
      {&select_block_, "SELECT tbl, min_ts, max_ts, count, data FROM blocks WHERE id=?", false},
      {&select_range_,
       "SELECT id, tbl, min_ts, max_ts, count FROM blocks WHERE max_ts >= ? AND min_ts <= ? "
       "ORDER BY min_ts DESC",
       false},
  };
  for (const auto& s : specs) {
    if (s.write && read_only_) continue;
    if (sqlite3_prepare_v3(db_, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.st, nullptr) != SQLITE_OK) {
      return core::unexpected(failure("prepare"));
    }
  }
  return {};
}

core::Result<void, core::Failure> BlockStore::startBucket() {
  // Starts empty (min > max) so that any first record sets both ends.
  if (sqlite3_exec(db_,
                   "INSERT INTO buckets (min_ts, max_ts, keys) VALUES (9223372036854775807, 0, 0)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return core::unexpected(failure("new bucket"));
  }
  bucket_ = sqlite3_last_insert_rowid(db_);
  if (key_layout_ == KeyLayout::Packed && bucket_ > kMaxPackedBucket) {
    return core::unexpected(
        core::Failure{"new bucket: the key table's 2^31 bucket ids are used up", 1});
  }
  bucket_key_count_ = 0;
  bucket_min_ts_ = INT64_MAX;
  bucket_max_ts_ = 0;
  // Keys already written for open blocks belong to the old bucket: write them again here,
  // so that each bucket's time range covers every record its keys can lead to.
  for (auto& [table, b] : open_) {
    b.keys_pending.insert(b.keys_pending.end(), b.keys_written.begin(), b.keys_written.end());
    b.keys_written.clear();
  }
  return {};
}

void BlockStore::add(std::string_view table, const core::CaptureMeta& meta, std::string_view node,
                     std::span<const int64_t> keys) {
  auto it = open_.find(table);
  if (it == open_.end()) {
    OpenBlock fresh;
    if (!spares_.empty()) {
      fresh.builder = std::move(spares_.back().builder);
      fresh.keys_pending = std::move(spares_.back().keys);
      spares_.pop_back();
    }
    it = open_.emplace(std::string(table), std::move(fresh)).first;
  }
  OpenBlock& b = it->second;
  int64_t ts = meta.microsSinceEpoch();
  if (b.builder.count() == 0) {
    b.opened = clock().steadyNow();
    b.last_write = b.opened;  // its first write is due one interval after it opened
    b.min_ts = b.max_ts = ts;
  }
  b.min_ts = std::min(b.min_ts, ts);
  b.max_ts = std::max(b.max_ts, ts);
  bucket_min_ts_ = std::min(bucket_min_ts_, ts);
  bucket_max_ts_ = std::max(bucket_max_ts_, ts);
  b.builder.add(meta, node);
  for (int64_t key : keys) {
    int64_t& slot = b.recent_keys[static_cast<uint64_t>(key) % b.recent_keys.size()];
    if (slot == key && key != 0) continue;  // 0 is also the empty slot's value
    slot = key;
    b.keys_pending.push_back(key);
  }
  if (b.builder.count() >= options_.block_records ||
      b.builder.rawBytes() >= options_.block_raw_bytes) {
    sealed_.emplace_back(it->first, std::move(b));
    open_.erase(it);
  }
}

void BlockStore::recycle(OpenBlock& b) {
  if (spares_.size() >= kSpareBuffers) return;
  // clear() keeps the buffers' capacity, and so their pages.
  b.builder.clear();
  b.keys_pending.clear();
  spares_.push_back(SpareBuffers{std::move(b.builder), std::move(b.keys_pending)});
}

core::Result<void, core::Failure> BlockStore::writeBlock(const std::string& table, OpenBlock& b) {
  if (b.builder.count() == b.written && b.keys_pending.empty()) return {};
  auto compressed = compressor_.compress(b.builder);
  const auto raw_size = static_cast<int64_t>(compressor_.lastRawSize());
  if (b.id == 0) {  // (a block inserted by a rolled-back flush has no id yet either)
    Statement st(insert_block_);
    sqlite3_bind_text(st.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st.get(), 2, b.min_ts);
    sqlite3_bind_int64(st.get(), 3, b.max_ts);
    sqlite3_bind_int64(st.get(), 4, static_cast<int64_t>(b.builder.count()));
    sqlite3_bind_int64(st.get(), 5, raw_size);
    sqlite3_bind_blob(st.get(), 6, compressed.data(), static_cast<int>(compressed.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return core::unexpected(failure("insert block"));
    b.txn_id = sqlite3_last_insert_rowid(db_);
  } else {
    Statement st(update_block_);
    sqlite3_bind_int64(st.get(), 1, b.min_ts);
    sqlite3_bind_int64(st.get(), 2, b.max_ts);
    sqlite3_bind_int64(st.get(), 3, static_cast<int64_t>(b.builder.count()));
    sqlite3_bind_int64(st.get(), 4, raw_size);
    sqlite3_bind_blob(st.get(), 5, compressed.data(), static_cast<int>(compressed.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(st.get(), 6, b.id);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return core::unexpected(failure("update block"));
    b.txn_id = b.id;
  }
  b.in_txn = true;
  b.txn_written = b.builder.count();
  // Sorted keys land next to each other in the B-tree: fewer pages touched per batch.
  key_sorter_.sort(b.keys_pending);
  b.keys_pending.erase(std::unique(b.keys_pending.begin(), b.keys_pending.end()),
                       b.keys_pending.end());
  b.txn_keys.clear();
  for (int64_t key : b.keys_pending) {
    if (!b.keys_written.contains(key)) b.txn_keys.push_back(key);
  }
  return insertKeys(b.txn_id, b.txn_keys);
}

void BlockStore::committed(OpenBlock& b) {
  if (!b.in_txn) return;
  b.in_txn = false;
  b.id = b.txn_id;
  b.written = b.txn_written;
  b.keys_written.insert(b.txn_keys.begin(), b.txn_keys.end());
  b.txn_keys.clear();
  b.keys_pending.clear();
}

core::Result<void, core::Failure> BlockStore::insertKeys(int64_t block,
                                                         std::span<const int64_t> keys) {
  // Statements of kKeyRowsWide, kKeyRowsNarrow and 1 rows: a statement's own cost (its halt,
  // its record buffer's allocation and free, the bindings' reset) was about 3,500 of the
  // 8,700 instructions of a one-row insert (callgrind, store_bench); the B-tree's seek and
  // insert are the rest, and stay per row.
  const std::pair<sqlite3_stmt*, size_t> by_rows[] = {
      {insert_keys_wide_, kKeyRowsWide}, {insert_keys_narrow_, kKeyRowsNarrow}, {insert_key_, 1}};
  const bool packed = key_layout_ == KeyLayout::Packed;
  // Packed keys ascend from the first non-negative hash on (the sort is signed), then wrap to
  // the negative ones, whose packed keys are the bucket's upper half.
  const size_t first =
      packed ? static_cast<size_t>(
                   std::partition_point(keys.begin(), keys.end(), [](int64_t k) { return k < 0; }) -
                   keys.begin())
             : 0;
  auto value = [&](size_t n) {
    const size_t at = first + n < keys.size() ? first + n : first + n - keys.size();
    return packed ? packedKey(bucket_, keys[at]) : keys[at];
  };
  const int first_value = packed ? 2 : 3;  // key_table.h: the binds of each layout
  size_t i = 0;
  for (const auto& [statement, rows] : by_rows) {
    for (; keys.size() - i >= rows; i += rows) {
      Statement st(statement);
      if (packed) {
        sqlite3_bind_int64(st.get(), 1, block);
      } else {
        sqlite3_bind_int64(st.get(), 1, bucket_);
        sqlite3_bind_int64(st.get(), 2, block);
      }
      for (size_t k = 0; k < rows; ++k) {
        sqlite3_bind_int64(st.get(), static_cast<int>(first_value + k), value(i + k));
      }
      if (sqlite3_step(st.get()) != SQLITE_DONE) return core::unexpected(failure("insert key"));
    }
  }
  txn_key_count_ += keys.size();
  return {};
}

size_t BlockStore::pendingRecords() const {
  size_t n = 0;
  for (const auto& [table, b] : sealed_) n += b.builder.count() - b.written;
  for (const auto& [table, b] : open_) n += b.builder.count() - b.written;
  return n;
}

core::Result<size_t, core::Failure> BlockStore::flush(bool force) {
  if (read_only_) return size_t{0};
  auto now = clock().steadyNow();
  auto due = [&](const OpenBlock& b) {
    bool has_new = b.builder.count() > b.written || !b.keys_pending.empty();
    return has_new && (force || now - b.last_write >= options_.open_block_write_interval);
  };
  size_t records = 0;
  for (auto& [table, b] : sealed_) records += b.builder.count() - b.written;
  bool any_open = false;
  for (auto& [table, b] : open_) {
    if (!due(b)) continue;
    any_open = true;
    records += b.builder.count() - b.written;
  }
  // Statistics wait in memory for their interval (or a forced flush); a flush with no record
  // due still writes them then.
  const bool stats_due =
      !stats_.empty() && (force || now - stats_written_ >= options_.stats_write_interval);
  if (sealed_.empty() && !any_open && !stats_due) {
    std::erase_if(open_, [&](const auto& kv) {
      return kv.second.builder.count() == kv.second.written &&
             now - kv.second.opened >= options_.block_max_age;
    });
    return size_t{0};
  }
  SIPHON_TRY(exec("BEGIN"));
  auto body = [&]() -> core::Result<void, core::Failure> {
    for (auto& [table, b] : sealed_) SIPHON_TRY(writeBlock(table, b));
    for (auto& [table, b] : open_) {
      if (!due(b)) continue;
      SIPHON_TRY(writeBlock(table, b));
      b.last_write = now;
    }
    if (stats_due) SIPHON_TRY(writeStats());
    Statement st(update_bucket_);
    sqlite3_bind_int64(st.get(), 1, bucket_min_ts_);
    sqlite3_bind_int64(st.get(), 2, bucket_max_ts_);
    sqlite3_bind_int64(st.get(), 3, static_cast<int64_t>(bucket_key_count_ + txn_key_count_));
    sqlite3_bind_int64(st.get(), 4, bucket_);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return core::unexpected(failure("update bucket"));
    return {};
  };
  // What the blocks wrote becomes theirs only once the COMMIT holds (committed()).
  auto rolled_back = [&] {
    for (auto& [table, b] : sealed_) b.in_txn = false;
    for (auto& [table, b] : open_) b.in_txn = false;
    txn_key_count_ = 0;
    stats_.restore(txn_stats_);
    txn_stats_.clear();
  };
  if (auto r = body(); !r.has_value()) {
    (void)exec("ROLLBACK");
    rolled_back();
    return core::unexpected(std::move(r).error());
  }
  if (auto r = exec("COMMIT"); !r.has_value()) {
    (void)exec("ROLLBACK");  // a COMMIT that failed may leave the transaction open
    rolled_back();
    return core::unexpected(std::move(r).error());
  }
  // Sealed blocks were written for the last time: their buffers go back to the spares below,
  // and no later flush asks which of their keys were written (1 % of store_bench's time went
  // to filling their key sets).
  for (auto& [table, b] : open_) committed(b);
  bucket_key_count_ += txn_key_count_;
  txn_key_count_ = 0;
  txn_stats_.clear();
  // Only now: after a rollback the statistics it had taken are due again at the next flush.
  if (stats_due) stats_written_ = now;
  for (auto& [table, b] : sealed_) recycle(b);
  sealed_.clear();
  // Old open blocks are sealed once everything in them is written.
  std::erase_if(open_, [&](const auto& kv) {
    return kv.second.builder.count() == kv.second.written &&
           now - kv.second.opened >= options_.block_max_age;
  });
  if (bucket_key_count_ >= options_.bucket_keys) SIPHON_TRY(startBucket());
  return records;
}

void BlockStore::discardUnwritten() {
  sealed_.clear();
  open_.clear();
  stats_.discard();
}

core::Result<void, core::Failure> BlockStore::writeStats() {
  if (stats_.empty()) return {};
  txn_stats_ = stats_.take();  // counted again if the transaction rolls back
  for (const auto& row : txn_stats_) {
    Statement st(upsert_stats_);
    sqlite3_bind_int(st.get(), 1, static_cast<int>(row.dim));
    sqlite3_bind_int64(st.get(), 2, row.bucket);
    sqlite3_bind_text(st.get(), 3, row.key.data(), static_cast<int>(row.key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.get(), 4, row.count);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return core::unexpected(failure("write stats"));
  }
  return {};
}

core::Result<std::vector<StatsRow>, core::Failure> BlockStore::statsRows(
    const char* sql, std::initializer_list<int64_t> binds, StatsDim dim, bool with_bucket) {
  std::vector<StatsRow> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_finalize(st);
    return out;  // a store written before statistics existed: none
  }
  int i = 0;
  for (int64_t v : binds) sqlite3_bind_int64(st, ++i, v);
  const int key = with_bucket ? 1 : 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    StatsRow r;
    r.dim = dim;
    if (with_bucket) r.bucket = sqlite3_column_int64(st, 0);
    const auto* text = sqlite3_column_text(st, key);
    r.key.assign(text ? reinterpret_cast<const char*>(text) : "", static_cast<size_t>(sqlite3_column_bytes(st, key)));
    r.count = sqlite3_column_int64(st, key + 1);
    out.push_back(std::move(r));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return core::unexpected(failure("statistics"));
  return out;
}

core::Result<std::vector<StatsRow>, core::Failure> BlockStore::statsSeries(StatsDim dim, int64_t since_s,
                                                                          int64_t until_s,
                                                                          int64_t interval_s) {
  if (interval_s <= 0) interval_s = 60;
  return statsRows(
      "SELECT (bucket / ?1) * ?1 AS b, key, sum(count) FROM stats WHERE dim = ?2 AND bucket >= ?3 "
      "AND bucket <= ?4 GROUP BY b, key ORDER BY b, key",
      {interval_s, static_cast<int64_t>(dim), since_s, until_s}, dim, /*with_bucket=*/true);
}

core::Result<std::vector<StatsRow>, core::Failure> BlockStore::statsTop(StatsDim dim, int64_t since_s,
                                                                       int64_t until_s, size_t limit) {
  return statsRows(
      "SELECT key, sum(count) AS c FROM stats WHERE dim = ?1 AND bucket >= ?2 AND bucket <= ?3 "
      "GROUP BY key ORDER BY c DESC, key LIMIT ?4",
      {static_cast<int64_t>(dim), since_s, until_s, static_cast<int64_t>(limit)}, dim, /*with_bucket=*/false);
}

core::Result<size_t, core::Failure> BlockStore::close() {
  if (read_only_) return size_t{0};
  auto r = flush(/*force=*/true);
  open_.clear();
  return r;
}

core::Result<std::vector<int64_t>, core::Failure> BlockStore::blocksForKey(int64_t key,
                                                                           int64_t since,
                                                                           int64_t until) {
  std::vector<int64_t> blocks;
  Statement st(select_keys_);
  sqlite3_bind_int64(st.get(), 1, since);
  sqlite3_bind_int64(st.get(), 2, until > 0 ? until : INT64_MAX);
  sqlite3_bind_int64(st.get(), 3, lookupValue(key_layout_, key));
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW)
    blocks.push_back(sqlite3_column_int64(st.get(), 0));
  if (rc != SQLITE_DONE) return core::unexpected(failure("key lookup"));
  std::sort(blocks.begin(), blocks.end());
  blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
  return blocks;
}

core::Result<std::vector<BlockInfo>, core::Failure> BlockStore::blocksInRange(int64_t since,
                                                                              int64_t until) {
  std::vector<BlockInfo> out;
  Statement st(select_range_);
  sqlite3_bind_int64(st.get(), 1, since);
  sqlite3_bind_int64(st.get(), 2, until > 0 ? until : INT64_MAX);
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    BlockInfo b;
    b.id = sqlite3_column_int64(st.get(), 0);
    b.table = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1));
    b.min_ts = sqlite3_column_int64(st.get(), 2);
    b.max_ts = sqlite3_column_int64(st.get(), 3);
    b.count = sqlite3_column_int64(st.get(), 4);
    out.push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) return core::unexpected(failure("block range"));
  return out;
}

core::Result<LoadedBlock, core::Failure> BlockStore::loadBlock(int64_t id) {
  LoadedBlock out;
  {
    Statement st(select_block_);
    sqlite3_bind_int64(st.get(), 1, id);
    if (sqlite3_step(st.get()) != SQLITE_ROW) {
      out.info.id = id;  // removed by retention (its keys may outlive it): empty
      return out;
    }
    out.info.id = id;
    out.info.table = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    out.info.min_ts = sqlite3_column_int64(st.get(), 1);
    out.info.max_ts = sqlite3_column_int64(st.get(), 2);
    out.info.count = sqlite3_column_int64(st.get(), 3);
    auto* data = static_cast<const std::byte*>(sqlite3_column_blob(st.get(), 4));
    auto size = static_cast<size_t>(sqlite3_column_bytes(st.get(), 4));
    auto raw = decompressor_.decompress({data, size}, kMaxBlockRawBytes);
    if (!raw.has_value()) {
      return core::unexpected(
          core::Failure{"block " + std::to_string(id) + ": " + std::string(raw.error().detail), 1});
    }
    out.owner = std::move(raw->owner);
    out.raw = raw->raw;
  }
  auto records = decodeBlock(out.raw);
  if (!records.has_value()) {
    return core::unexpected(core::Failure{
        "block " + std::to_string(id) + ": " + std::string(records.error().detail), 1});
  }
  out.records = std::move(*records);
  return out;
}

core::Result<uint64_t, core::Failure> BlockStore::usedBytes() {
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM "
      "pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())";
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) {
    return core::unexpected(failure("page count"));
  }
  uint64_t bytes = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    bytes = static_cast<uint64_t>(sqlite3_column_int64(st, 0)) *
            static_cast<uint64_t>(sqlite3_column_int64(st, 1));
  }
  sqlite3_finalize(st);
  return bytes;
}

core::Result<ExpireResult, core::Failure> BlockStore::expire(
    const std::function<int64_t(std::string_view table)>& cutoff_for, uint64_t max_bytes) {
  ExpireResult out;
  if (read_only_) return out;
  std::unordered_set<int64_t> open_ids;
  for (const auto& [table, b] : open_) open_ids.insert(b.id);
  for (const auto& [table, b] : sealed_) open_ids.insert(b.id);
  struct Candidate {
    int64_t id, max_ts, count, bytes;
    std::string table;
  };
  std::vector<Candidate> blocks;  // oldest first
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT id, tbl, max_ts, count, length(data) FROM blocks ORDER BY max_ts",
                           -1, &st, nullptr) != SQLITE_OK) {
      return core::unexpected(failure("list blocks"));
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      blocks.push_back({sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2),
                        sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
                        reinterpret_cast<const char*>(sqlite3_column_text(st, 1))});
    }
    sqlite3_finalize(st);
  }
  std::vector<int64_t> doomed;
  std::vector<bool> gone(blocks.size(), false);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const auto& b = blocks[i];
    if (open_ids.contains(b.id)) continue;
    const int64_t cutoff = cutoff_for(b.table);
    if (cutoff > 0 && b.max_ts < cutoff) {
      gone[i] = true;
      doomed.push_back(b.id);
      out.records += static_cast<uint64_t>(b.count);
    }
  }
  if (max_bytes > 0) {
    SIPHON_ASSIGN_OR_RETURN(uint64_t used, usedBytes());
    // Estimated by the blocks' compressed size; the keys they leave behind go with their
    // buckets below, and the next turn measures again.
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (gone[i]) used -= std::min<uint64_t>(used, static_cast<uint64_t>(blocks[i].bytes));
    }
    for (size_t i = 0; i < blocks.size() && used > max_bytes; ++i) {
      if (gone[i] || open_ids.contains(blocks[i].id)) continue;
      gone[i] = true;
      doomed.push_back(blocks[i].id);
      out.records += static_cast<uint64_t>(blocks[i].count);
      used -= std::min<uint64_t>(used, static_cast<uint64_t>(blocks[i].bytes));
    }
  }
  if (doomed.empty()) return out;
  SIPHON_TRY(exec("BEGIN"));
  {
    sqlite3_stmt* del = nullptr;
    if (sqlite3_prepare_v2(db_, "DELETE FROM blocks WHERE id = ?", -1, &del, nullptr) != SQLITE_OK) {
      (void)exec("ROLLBACK");
      return core::unexpected(failure("delete block"));
    }
    for (int64_t id : doomed) {
      sqlite3_bind_int64(del, 1, id);
      const int rc = sqlite3_step(del);
      sqlite3_reset(del);
      if (rc != SQLITE_DONE) {
        sqlite3_finalize(del);
        (void)exec("ROLLBACK");
        return core::unexpected(failure("delete block"));
      }
    }
    sqlite3_finalize(del);
  }
  out.blocks = doomed.size();
  // A bucket whose newest key is older than every remaining block's oldest record holds keys
  // of removed blocks only (a block's keys go to buckets covering its records' times). The
  // bucket taking keys now is never one.
  {
    sqlite3_stmt* st = nullptr;
    const char* sql =
        "SELECT id FROM buckets WHERE id != ?1 AND max_ts < (SELECT coalesce(min(min_ts), "
        "9223372036854775807) FROM blocks)";
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) {
      (void)exec("ROLLBACK");
      return core::unexpected(failure("old buckets"));
    }
    sqlite3_bind_int64(st, 1, bucket_);
    std::vector<int64_t> buckets;
    while (sqlite3_step(st) == SQLITE_ROW) buckets.push_back(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    for (int64_t b : buckets) {
      const std::string n = std::to_string(b);
      if (!exec((keyBucketDeleteSql(key_layout_, b) + "; DELETE FROM buckets WHERE id = " + n)
                    .c_str())
               .has_value()) {
        (void)exec("ROLLBACK");
        return core::unexpected(failure("delete bucket"));
      }
    }
    out.buckets = buckets.size();
  }
  // Statistics older than every remaining block go with them (whole hours: the top
  // dimensions' buckets are hours).
  if (!exec("DELETE FROM stats WHERE bucket < (SELECT coalesce(min(min_ts), 0) FROM blocks) / 1000000 "
            "- 3600").has_value()) {
    (void)exec("ROLLBACK");
    return core::unexpected(failure("delete stats"));
  }
  SIPHON_TRY(exec("COMMIT"));
  SIPHON_TRY(exec("PRAGMA incremental_vacuum;"));
  return out;
}

core::Result<StoreStats, core::Failure> BlockStore::stats() {
  StoreStats s;
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT (SELECT count(*) FROM blocks), (SELECT coalesce(sum(count),0) FROM blocks), "
      "(SELECT coalesce(sum(keys),0) FROM buckets), (SELECT coalesce(sum(length(data)),0) FROM "
      "blocks), "
      "(SELECT coalesce(sum(raw_bytes),0) FROM blocks)";
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
    return core::unexpected(failure("stats"));
  if (sqlite3_step(st) == SQLITE_ROW) {
    s.blocks = sqlite3_column_int64(st, 0);
    s.records = sqlite3_column_int64(st, 1);
    s.keys = sqlite3_column_int64(st, 2);
    s.compressed_bytes = sqlite3_column_int64(st, 3);
    s.raw_bytes = sqlite3_column_int64(st, 4);
  }
  sqlite3_finalize(st);
  const char* file = sqlite3_db_filename(db_, "main");
  std::error_code ec;
  if (file && *file) {
    auto size = std::filesystem::file_size(file, ec);
    if (!ec) s.file_bytes = static_cast<int64_t>(size);
  }
  return s;
}

}  // namespace siphon::store
