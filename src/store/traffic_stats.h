#pragma once
// Traffic statistics kept at ingest, so that a dashboard's 24 h answers without reading 10 M
// messages: counts per time bucket and dimension, written by the store in the transaction
// that writes the records they count (block_store.h), and summed by the read side.
//
//   dimension            bucket   key
//   total                1 min    ""                      every record
//   method               1 min    "INVITE", "BYE", ...    SIP requests
//   code                 1 min    "200", "486", ...       SIP replies
//   class                1 min    "1xx" ... "6xx"         SIP replies
//   node                 1 min    the node column         every record
//   kind                 1 min    "sip" "rtcp" "report" "log"
//   calls                1 min    ""                      INVITEs without a To tag (attempts)
//   answered             1 min    ""                      2xx replies to INVITE
//   src_ip, dst_ip       1 h      the address text        every record  (top dimensions)
//   user                 1 h      From user               SIP
//   user_agent           1 h      User-Agent (or Server)  SIP
//
// The top dimensions have as many keys as the traffic has addresses and users, so each
// (hour, dimension) keeps at most `top_keys_per_hour` keys; later keys of that hour count under
// "(other)". The first keys of an hour are not always its biggest: a top list over a range
// is exact for the keys kept, and "(other)" says how much was not. ASR per interval is
// answered / calls (a retransmitted 200 OK or one captured at two hops counts twice, as in
// Homer's counters).
//
// The accumulator is filled on the store's write thread (addRecord(), once per stored record;
// add() for one dimension) and emptied by take() into the rows the store writes. Memory: the
// counts of one flush interval plus, per (hour, top dimension), the keys seen (bounded by
// top_keys_per_hour); hours older than two are forgotten.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/hash_index.h"

namespace siphon::store {

enum class StatsDim : uint8_t {
  Total = 0,
  Method = 1,
  Code = 2,
  Class = 3,
  Node = 4,
  Kind = 5,
  Calls = 6,
  Answered = 7,
  SrcIp = 8,
  DstIp = 9,
  User = 10,
  UserAgent = 11,
  kCount
};

/// "total", "method", ... "user_agent"; the names the API takes.
[[nodiscard]] std::string_view statsDimName(StatsDim dim);
/// The dimension named `name`, or kCount when none is.
[[nodiscard]] StatsDim statsDimFromName(std::string_view name);
/// True for the hour-bucketed, capped dimensions (addresses, users, User-Agents).
[[nodiscard]] constexpr bool isTopDim(StatsDim dim) { return dim >= StatsDim::SrcIp; }
/// The bucket (seconds since the epoch) a capture time falls in for `dim`.
[[nodiscard]] inline int64_t statsBucket(StatsDim dim, int64_t micros) {
  const int64_t seconds = micros >= 0 ? micros / 1'000'000 : 0;
  // Two constant divisors, which compile to multiplications; one chosen at run time is an
  // idiv (a fifth of add()'s time in store_bench when add() was called per dimension).
  return isTopDim(dim) ? seconds - seconds % 3600 : seconds - seconds % 60;
}

inline constexpr std::string_view kStatsOther = "(other)";

struct StatsRow {
  int64_t bucket = 0;  ///< seconds since the epoch: start of the minute or hour
  StatsDim dim = StatsDim::Total;
  std::string key;
  int64_t count = 0;
};

/// The record kinds of the `kind` dimension, in the order of kStatsKindNames.
enum class StatsKind : uint8_t { Sip = 0, Rtcp = 1, Report = 2, Log = 3 };
inline constexpr std::array<std::string_view, 4> kStatsKindNames = {"sip", "rtcp", "report", "log"};

/// What one stored record counts in every dimension (the table above says which records
/// count where). Views borrow the caller's record for the call.
struct StatsRecord {
  int64_t micros = 0;  ///< capture time
  StatsKind kind = StatsKind::Sip;
  std::string_view node;
  std::string_view src_ip, dst_ip;  ///< address text; empty: not counted
  // SIP only:
  std::string_view method;    ///< a request's method; empty: not a request
  std::string_view code;      ///< a reply's code text, "100" to "699"; empty: not counted
  bool call_attempt = false;  ///< an INVITE without a To tag
  bool answered = false;      ///< a 2xx reply to an INVITE
  std::string_view user, user_agent;
};

class StatsAccumulator {
 public:
  explicit StatsAccumulator(size_t top_keys_per_hour = 1000) : top_keys_(top_keys_per_hour) {}

  /// Counts one record under `key` of `dim` at capture time `micros`.
  void add(StatsDim dim, int64_t micros, std::string_view key);
  /// Counts one record in every dimension it belongs to: as add() once per dimension, with
  /// the bucket computed once, and the dimensions whose keys are fixed (total, kind, class,
  /// calls, answered) counted in plain counters of the current minute.
  void addRecord(const StatsRecord& r);
  /// The counts since the last take(), as rows; the accumulator is empty after.
  [[nodiscard]] std::vector<StatsRow> take();
  /// Counts `rows` (from take()) again: their write was rolled back. Their keys were within
  /// the caps when counted, so the caps do not apply again.
  void restore(const std::vector<StatsRow>& rows);
  /// Forgets the counts not taken yet (the store gave up writing their records).
  void discard() { clear(); }
  [[nodiscard]] bool empty() const { return entries_.empty() && fixed_.total == 0; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // One count of the interval: (bucket, dimension, key), the key's text in keys_.
  struct Entry {
    int64_t bucket = 0;
    int64_t count = 0;
    uint32_t key_offset = 0;
    uint32_t key_size = 0;
    StatsDim dim = StatsDim::Total;
  };
  // Why not an unordered_map<string, count>: about 10 adds per stored record made its key
  // text, std::hash over it and the bucket's node chain 4-5 % of the store's time
  // (store_bench). Here the entries sit in one vector, their texts in one string, and a flat
  // index maps an XXH3 hash of (bucket, dimension, key) to the entry: no allocation once the
  // interval's keys are known, one probe of one array per lookup.
  [[nodiscard]] bool matches(const Entry& e, int64_t bucket, std::string_view key) const {
    return e.bucket == bucket && e.key_size == key.size() &&
           sameBytes(keys_.data() + e.key_offset, key.data(), key.size());
  }
  // Most keys are short ("sip", "INVITE", "200", an address): two overlapping word loads each
  // side, inside both buffers, instead of a call to memcmp.
  [[nodiscard]] static bool sameBytes(const char* a, const char* b, size_t n) {
    if (n >= 8 && n <= 16)
      return load<uint64_t>(a) == load<uint64_t>(b) &&
             load<uint64_t>(a + n - 8) == load<uint64_t>(b + n - 8);
    if (n >= 4 && n < 8)
      return load<uint32_t>(a) == load<uint32_t>(b) &&
             load<uint32_t>(a + n - 4) == load<uint32_t>(b + n - 4);
    if (n < 4) return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
    return std::memcmp(a, b, n) == 0;
  }
  template <class T>
  [[nodiscard]] static T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  /// The entry of (bucket, dim, key), or null; `slot_key` is the index key it has or would get.
  Entry* find(int64_t bucket, StatsDim dim, std::string_view key, uint64_t& slot_key);
  Entry& insert(int64_t bucket, StatsDim dim, std::string_view key, uint64_t slot_key);
  Entry& findOrInsert(int64_t bucket, StatsDim dim, std::string_view key);
  /// add() with the bucket given.
  void addAt(StatsDim dim, int64_t bucket, std::string_view key);
  void clear();

  // The fixed-key dimensions of one minute (addRecord()): about half of a SIP record's
  // counts, each an increment here instead of a lookup. Moved into the entries when a record
  // of another minute comes, and by take().
  struct FixedCounts {
    int64_t minute = 0;
    int64_t total = 0;  ///< 0: nothing counted (every record counts here)
    std::array<int64_t, kStatsKindNames.size()> kind{};
    std::array<int64_t, 6> reply_class{};  ///< 1xx to 6xx
    int64_t calls = 0, answered = 0;
  };
  FixedCounts fixed_;
  void moveFixedToEntries();

  std::vector<Entry> entries_;
  std::string keys_;
  // Hash -> entry index. Two texts whose hashes are equal take the next free hash value in
  // turn (find() checks the text), so a collision never merges counts.
  core::HashIndex<uint32_t> index_;
  // The entries each dimension counted last (index + 1; 0: none), newest first. Most records
  // repeat the minute, kind and node of the one before, and one of the last few methods,
  // codes and addresses (a request and its reply swap source and destination): comparing
  // with these skips the hash and the lookup.
  static constexpr size_t kRecent = 4;
  std::array<std::array<uint32_t, kRecent>, static_cast<size_t>(StatsDim::kCount)> recent_{};
  void remember(StatsDim dim, uint32_t entry);
  // Keys seen per (hour, top dimension): the cap. Consulted only for a key new in the interval.
  std::unordered_map<std::string, std::unordered_set<std::string, Hash, std::equal_to<>>, Hash,
                     std::equal_to<>>
      top_seen_;
  int64_t newest_hour_ = 0;
  size_t top_keys_;
  std::string scratch_;
};

}  // namespace siphon::store
