#pragma once
// The key index's table (block_store.h) in its two layouts, and the SQL each one takes.
//
// Why a packed key. The first layout, `keys (bucket, hash, block)`, gives every row of the
// bucket that takes keys the same first column. SQLite's record comparison decides on the first
// column when it can (vdbeRecordCompareInt); here it never could, so each of the ~25
// comparisons of a row's seek went the general way (sqlite3VdbeRecordCompareWithSkip), and
// the key rows took 14.5 % of store_bench's time (perf). Since 2026-12-07 a new store keeps one
// integer instead, `keys (k, block)`:
//
//     k = bucket << 32 | (the key's 64-bit hash >> 32)
//
// so a bucket's keys are still one range of the tree (inserts stay in the current bucket's
// subtree, retention deletes a range). k is below 2^47 until bucket 32,768 (about two
// billion messages), which SQLite stores in 6 bytes instead of 8: store_bench 0.975 of the time
// and 54.4 instead of 56.6 bytes per message (bench/pair.sh, 9 rounds).
//
// The price: two keys of one bucket may share their 32 bits. A bucket holds about
// bucket_keys (32,768) keys, so a lookup meets another key's row with probability
// 32,768 / 2^32 = 7.6e-6 per bucket it probes; it then reads one block more, whose records
// the search re-checks like every candidate (index_key.h). Bucket ids must stay below 2^31
// (k positive): about 7e13 keys, which startBucket() refuses beyond.
//
// Stores made before keep their layout: the writer and the readers follow what the file has.

#include <cstdint>
#include <string>

#include "core/result.h"

struct sqlite3;

namespace siphon::store {

enum class KeyLayout {
  BucketHash,  ///< keys (bucket, hash, block): stores made before 2026-12-07
  Packed,      ///< keys (k, block), k = bucket << 32 | hash >> 32
};

/// Buckets a packed key can name: ids 1 to kMaxPackedBucket.
inline constexpr int64_t kMaxPackedBucket = (int64_t{1} << 31) - 1;

/// The packed key of `hash` in `bucket` (1 <= bucket <= kMaxPackedBucket).
[[nodiscard]] inline int64_t packedKey(int64_t bucket, int64_t hash) {
  return static_cast<int64_t>(static_cast<uint64_t>(bucket) << 32 |
                              static_cast<uint64_t>(hash) >> 32);
}

/// The layout of the file's key table; a writer creates the packed one in a store without
/// any. A read-only store without the table (never written) reads as packed.
[[nodiscard]] core::Result<KeyLayout, core::Failure> openKeyTable(sqlite3* db, bool read_only);

/// "INSERT OR IGNORE INTO keys ... VALUES ...": `rows` rows of one block and bucket. Binds:
/// BucketHash: ?1 bucket, ?2 block, ?3... the hashes; Packed: ?1 block, ?2... packed keys.
[[nodiscard]] std::string keyInsertSql(KeyLayout layout, size_t rows);

/// The blocks of one key, every bucket of a capture-time range probed in one statement.
/// Binds ?1 since, ?2 until (µs), ?3 the key: the hash (BucketHash) or its high 32 bits
/// (Packed, lookupValue()).
[[nodiscard]] const char* keyLookupSql(KeyLayout layout);
[[nodiscard]] int64_t lookupValue(KeyLayout layout, int64_t hash);

/// Deletes every key row of bucket `id`.
[[nodiscard]] std::string keyBucketDeleteSql(KeyLayout layout, int64_t id);

}  // namespace siphon::store
